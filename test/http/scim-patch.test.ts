import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/domain/scim-error.js';
import { normalisePatch } from '../../src/services/scim/patch-normaliser.js';

const P = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patch = (...Operations: object[]) => ({ schemas: [P], Operations });

function refusal(body: unknown, resource: 'User' | 'Group' = 'User'): { status: number; scimType: string | undefined } {
  try {
    normalisePatch(body, resource);
  } catch (error) {
    if (error instanceof ScimError) return { status: error.status, scimType: error.scimType };
    throw error;
  }
  throw new Error('normalisePatch accepted the body');
}

describe('the PATCH normaliser (identity.md §5.4)', () => {
  it("lower-cases Entra's PascalCase ops and turns its string booleans into booleans for boolean attributes only", () => {
    expect(normalisePatch(patch({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Add', path: 'title', value: 'True' }), 'User')).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'add', path: 'title', value: 'True' },
    ]);
    expect(normalisePatch(patch({ op: 'add', path: 'emails', value: [{ value: 'a@x.com', type: 'work', primary: 'True' }] }), 'User')).toEqual([
      { op: 'add', path: 'emails', value: [{ value: 'a@x.com', type: 'work', primary: true }] },
    ]);
    expect(normalisePatch(patch({ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'true' }), 'User')[0]).toMatchObject({ value: true });
  });

  it("expands Okta's path-less value object into one operation per attribute, extension objects per attribute", () => {
    expect(normalisePatch(patch({ op: 'replace', value: { active: false } }), 'User')).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(normalisePatch(patch({ op: 'Replace', value: { 'name.givenName': 'Ann', [ENTERPRISE]: { department: 'R&D' }, displayName: '' } }), 'User')).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Ann' },
      { op: 'replace', path: `${ENTERPRISE}:department`, value: 'R&D' },
      { op: 'remove', path: 'displayName' },
    ]);
    expect(normalisePatch(patch({ op: 'Add', value: { [`${ENTERPRISE}:employeeNumber`]: '7', 'emails[type eq "work"].value': 'a@x.com' } }), 'User')).toEqual([
      { op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: '7' },
      { op: 'add', path: 'emails[type eq "work"].value', value: 'a@x.com' },
    ]);
    expect(normalisePatch(patch({ op: 'Replace', value: { id: 'abc', displayName: 'Ops' } }), 'Group')).toEqual([
      { op: 'replace', path: 'id', value: 'abc' },
      { op: 'replace', path: 'displayName', value: 'Ops' },
    ]);
  });

  it("reads Entra's manager given as the bare id as {value}", () => {
    expect(normalisePatch(patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss' }), 'User')).toEqual([
      { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'boss' } },
    ]);
    expect(normalisePatch(patch({ op: 'Add', path: 'emails', value: 'a@x.com' }), 'User')[0]).toMatchObject({ value: 'a@x.com' });
  });

  it('turns "" and null (and a manager of "") into a removal: the validator\'s null update', () => {
    expect(normalisePatch(patch({ op: 'Replace', path: 'title', value: '' }, { op: 'replace', path: 'nickName', value: null },
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: '' } }), 'User')).toEqual([
      { op: 'remove', path: 'title' }, { op: 'remove', path: 'nickName' }, { op: 'remove', path: `${ENTERPRISE}:manager` },
    ]);
  });

  it('reads every member form as path "members" with a list of {value}', () => {
    expect(normalisePatch(patch(
      { op: 'Remove', path: 'members[value eq "VXNlcjo3"]' },
      { op: 'remove', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members' },
      { op: 'Add', path: 'members', value: [{ value: 'a', display: 'A' }, { value: 'a' }] },
      { op: 'add', path: 'members', value: { value: 'c' } },
    ), 'Group')).toEqual([
      { op: 'remove', path: 'members', value: [{ value: 'VXNlcjo3' }] },
      { op: 'remove', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'a' }] },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
    ]);
  });

  it('refuses what it cannot read, never skipping an operation', () => {
    expect(refusal({ Operations: [{ op: 'add', path: 'title', value: 'x' }] })).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(patch())).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(patch({ op: 'Merge', path: 'title', value: 'x' }))).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(patch({ op: 'remove' }))).toEqual({ status: 400, scimType: 'noTarget' });
    expect(refusal(patch({ op: 'replace', value: 'x' }))).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(patch({ op: 'add', path: 'members', value: [{ value: 'a' }] }), 'User')).toEqual({ status: 400, scimType: 'invalidPath' });
    expect(refusal(patch({ op: 'remove', path: 'members[display eq "A"]' }), 'Group')).toEqual({ status: 400, scimType: 'invalidPath' });
    expect(refusal(patch({ op: 'add', path: 'members', value: [{ display: 'A' }] }), 'Group')).toEqual({ status: 400, scimType: 'invalidValue' });
  });
});
