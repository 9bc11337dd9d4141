import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { assertClaimPath, type ClaimPaths, identityFromClaims } from '../../src/sso/oidc/index.js';

const PATHS: ClaimPaths = { email: 'email', name: 'name', groups: null };

const failureOf = (run: () => unknown): string => {
  try {
    run();
    return 'no error';
  } catch (e) {
    return e instanceof ApiError ? `${e.code}: ${e.detail}` : `not an ApiError: ${String(e)}`;
  }
};

describe('identityFromClaims: who the OP says this is', () => {
  it('subject, the email lower-cased and trimmed, the name', () => {
    expect(identityFromClaims({ sub: '0a1b', email: ' Ada@Example.COM ', name: ' Ada L ' }, PATHS)).toMatchObject({
      subject: '0a1b', email: 'ada@example.com', name: 'Ada L', overage: false,
    });
    expect(identityFromClaims({ sub: 's', email: 'a@b.c', name: '' }, PATHS)).not.toHaveProperty('name');
    expect(identityFromClaims({ sub: 's', email: 'a@b.c', name: 42 }, PATHS)).not.toHaveProperty('name');
  });

  it('the email and name come from their configured paths', () => {
    const claims = { sub: 's', upn: 'Ada@Corp.Example', profile: { display: 'Ada' }, email: 'other@x.y' };
    expect(identityFromClaims(claims, { email: 'upn', name: 'profile.display', groups: null })).toMatchObject({ email: 'ada@corp.example', name: 'Ada' });
  });

  it('no email at the path → SSO_EMAIL_MISSING naming the path; a value that is no email address too', () => {
    expect(failureOf(() => identityFromClaims({ sub: 's' }, PATHS))).toBe('SSO_EMAIL_MISSING: the provider\'s claims have no email at email_claim_path "email"');
    expect(failureOf(() => identityFromClaims({ sub: 's', mail: ['a@b.c'] }, { ...PATHS, email: 'mail' }))).toBe('SSO_EMAIL_MISSING: the provider\'s claims have no email at email_claim_path "mail"');
    expect(failureOf(() => identityFromClaims({ sub: 's', email: 'ada' }, PATHS))).toBe('SSO_EMAIL_MISSING: the value at email_claim_path "email" is not an email address');
  });

  it('email_verified present and not true → OIDC_EMAIL_UNVERIFIED; absent, true or "true" pass', () => {
    for (const verified of [false, 'false', 0, null]) {
      expect(failureOf(() => identityFromClaims({ sub: 's', email: 'a@b.c', email_verified: verified }, PATHS))).toMatch(/^OIDC_EMAIL_UNVERIFIED: the provider says a@b\.c is not verified/);
    }
    for (const verified of [true, 'true', undefined]) {
      expect(identityFromClaims({ sub: 's', email: 'a@b.c', email_verified: verified }, PATHS).email).toBe('a@b.c');
    }
  });

  it('no sub → OIDC_TOKEN_INVALID', () => {
    expect(failureOf(() => identityFromClaims({ email: 'a@b.c' }, PATHS))).toBe('OIDC_TOKEN_INVALID: the ID token has no sub claim');
  });
});

describe('identityFromClaims: the attribute map for role mapping (§3.2)', () => {
  const claims = {
    sub: 's', email: 'a@b.c', hd: 'example.com', roles: ['Ax.Admin', 'Ax.Reader'], age: 42, admin: false,
    realm_access: { roles: ['ml-engineer'] }, mixed: ['a', { b: 1 }], empty: [], groups: ['top-level'], nothing: null,
    'cognito:groups': ['eu-team'], levels: [1, 2],
  };

  it('every top-level string, number, boolean or array of those, as strings; objects and mixed arrays are left out', () => {
    expect(identityFromClaims(claims, PATHS).attributes).toEqual({
      sub: ['s'], email: ['a@b.c'], hd: ['example.com'], roles: ['Ax.Admin', 'Ax.Reader'], age: ['42'], admin: ['false'],
      empty: [], groups: ['top-level'], 'cognito:groups': ['eu-team'], levels: ['1', '2'],
    });
  });

  it('groups from the groups path replace a top-level groups claim', () => {
    expect(identityFromClaims(claims, { ...PATHS, groups: 'realm_access.roles' }).attributes.groups).toEqual(['ml-engineer']);
    expect(identityFromClaims(claims, { ...PATHS, groups: '"cognito:groups"' }).attributes.groups).toEqual(['eu-team']);
    expect(identityFromClaims(claims, { ...PATHS, groups: 'hd' }).attributes.groups).toEqual(['example.com']);
  });

  it('a path that finds nothing, a non-string or a runtime type error gives no groups', () => {
    for (const path of ['missing.path', 'levels', 'mixed', 'realm_access', 'abs(hd)']) {
      expect(identityFromClaims(claims, { ...PATHS, groups: path }).attributes).not.toHaveProperty('groups');
    }
  });

  it('Entra group overage (hasgroups, or _claim_names.groups): no groups at all, and overage is reported', () => {
    const code = { ...claims, _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'https://graph.microsoft.com/…' } } };
    expect(identityFromClaims(code, PATHS)).toMatchObject({ overage: true });
    expect(identityFromClaims(code, PATHS).attributes).not.toHaveProperty('groups');
    expect(identityFromClaims(code, { ...PATHS, groups: 'groups' }).attributes).not.toHaveProperty('groups');
    const implicit = { ...claims, hasgroups: true };
    expect(identityFromClaims(implicit, { ...PATHS, groups: 'groups' })).toMatchObject({ overage: true });
    expect(identityFromClaims(implicit, PATHS).attributes).not.toHaveProperty('groups');
  });
});

describe('assertClaimPath', () => {
  it('accepts JMESPath expressions IdP examples use', () => {
    for (const path of ['email', 'realm_access.roles', '"cognito:groups"', 'resource_access."ax-console".roles', 'groups[?starts_with(@, `ax-`)]', 'upn || email']) {
      expect(() => assertClaimPath('groups_claim_path', path)).not.toThrow();
    }
  });

  it('refuses what does not parse, naming the field', () => {
    expect(failureOf(() => assertClaimPath('groups_claim_path', 'realm_access.['))).toMatch(/^VALIDATION_FAILED: groups_claim_path is not a valid JMESPath expression: /);
    expect(failureOf(() => assertClaimPath('email_claim_path', ''))).toMatch(/^VALIDATION_FAILED: email_claim_path is not a valid JMESPath expression: /);
    expect(failureOf(() => assertClaimPath('name_claim_path', 'cognito:groups'))).toMatch(/^VALIDATION_FAILED: name_claim_path/);
  });
});
