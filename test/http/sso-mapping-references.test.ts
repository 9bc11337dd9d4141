import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';

/**
 * Deleting what role mappings name (identity.md §2.9): the entries naming a deleted organization, space or project go
 * in the same transaction (a rule left with no grant goes too, positions stay dense, audited); a provider's default
 * organization or space cannot be deleted (409 naming it); a custom role used by mappings is "in use" (409) unless
 * forced, and a default that names it refuses even a forced delete.
 */

let server: TestServer;
const db = () => server.context!.store.db;
const dbId = (id: string) => parseId(id)!.n;
const builtIn: Record<string, number> = {};
let roleCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  const roles = await server.api('GET', '/v2/roles?is_predefined=true');
  for (const r of roles.body.roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = dbId(r.id);
});
afterAll(async () => {
  await server?.close();
});

async function tree(name: string) {
  const org = await createOrganization(server, `${name}-org`);
  const space = await createSpace(server, org, `${name}-space`);
  const other = await createSpace(server, org, `${name}-other`);
  const project = await createProject(server, space, `${name}-project`);
  return { org, space, other, project };
}

async function customRole(): Promise<string> {
  return (await server.api('POST', '/v2/roles', { body: { name: `ref-role-${++roleCount}`, permissions: ['PROJECT_READ'] } })).body.id;
}

const rules = async (idp: number): Promise<Json[]> => {
  const res = await server.api('GET', `/v2/saml-identity-providers/${enc(encodeId('SamlIdentityProvider', idp))}/role-mappings`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.role_mappings;
};

describe('deleting an organization, space or project named in role mappings', () => {
  it('removes the entries naming a deleted space and a rule left with no grant, renumbering the rest, and audits it', async () => {
    const t = await tree('del-space');
    const idp = await insertProvider(server, 'del-space.example.test', [
      { attributes: { group: 'a' }, spaceRoles: [{ space_id: dbId(t.space), role_id: builtIn.MEMBER! }] },
      { attributes: { group: 'b' }, spaceRoles: [{ space_id: dbId(t.space), role_id: builtIn.ADMIN! }, { space_id: dbId(t.other), role_id: builtIn.READ_ONLY! }] },
      { attributes: { group: 'c' }, projectRoles: [{ project_id: dbId(t.project), role_id: dbId(await customRole()) }], orgRole: { org_id: dbId(t.org), role_id: builtIn.MEMBER! } },
    ]);
    const before = await rules(idp);
    expect((await server.api('DELETE', `/v2/spaces/${enc(t.space)}`)).status).toBe(204);
    const after = await rules(idp);
    expect(after.map((r: Json) => [r.id, r.position])).toEqual([[before[1].id, 1], [before[2].id, 2]]);
    expect(after[0].space_roles).toEqual([{ space_id: t.other, role_id: encodeId('Role', builtIn.READ_ONLY!) }]);
    // The project went with its space: the entry naming it too.
    expect(after[1].project_roles).toEqual([]);
    expect(after[1].org_role).toEqual({ org_id: t.org, role_id: encodeId('Role', builtIn.MEMBER!) });
    const audit = await db().selectFrom('audit_logs').selectAll().where('operation_name', '=', `UPDATE_ROLE_MAPPINGS ${encodeId('SamlIdentityProvider', idp)}`).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.operation_text!)).toEqual({ because: 'DELETE /v2/spaces/:space_id', changed: [before[1].id, before[2].id], deleted: [before[0].id] });
  });

  it('removes what names an organization and everything in it, and what names a deleted project', async () => {
    const t = await tree('del-org');
    const kept = await tree('del-org-kept');
    const role = dbId(await customRole());
    const idp = await insertProvider(server, 'del-org.example.test', [
      { attributes: {}, isAccountAdmin: true, orgRole: { org_id: dbId(t.org), role_id: builtIn.MEMBER! }, spaceRoles: [{ space_id: dbId(t.other), role_id: builtIn.MEMBER! }] },
      { attributes: { group: 'x' }, projectRoles: [{ project_id: dbId(kept.project), role_id: role }, { project_id: dbId(t.project), role_id: role }] },
    ]);
    expect((await server.api('DELETE', `/v2/organizations/${enc(t.org)}?dry_run=true`)).status).toBe(200);
    expect(await rules(idp)).toHaveLength(2);
    expect((await server.api('DELETE', `/v2/organizations/${enc(t.org)}`)).status).toBe(204);
    let after = await rules(idp);
    // An account-admin rule keeps a grant: it stays, emptied of what went.
    expect(after[0]).toMatchObject({ is_account_admin: true, org_role: null, space_roles: [] });
    expect(after[1].project_roles).toEqual([{ project_id: kept.project, role_id: encodeId('Role', role) }]);
    expect((await server.api('DELETE', `/v2/projects/${enc(kept.project)}`)).status).toBe(204);
    after = await rules(idp);
    expect(after).toHaveLength(1);
  });

  it('refuses to delete a provider\'s default organization or space (409 naming the provider), also on a dry run', async () => {
    const t = await tree('defaults');
    const idp = await insertProvider(server, 'defaults-ref.example.test', [{ attributes: {}, isAccountAdmin: true }]);
    await db().updateTable('identity_providers').set({
      allow_default_login: 1, default_org_id: dbId(t.org), default_org_role_id: builtIn.MEMBER!, default_space_id: dbId(t.space), default_space_role_id: builtIn.MEMBER!,
    }).where('id', '=', idp).execute();
    for (const path of [`/v2/spaces/${enc(t.space)}`, `/v2/organizations/${enc(t.org)}`, `/v2/spaces/${enc(t.space)}?dry_run=true`]) {
      const res = await server.api('DELETE', path);
      expect(res.status, path).toBe(409);
      expect(res.body.detail).toContain('idp-defaults-ref.example.test');
      expect(res.body.detail).toMatch(/change its default login first/);
      // Not the catalogue's default "name already exists": nothing here is a name clash.
      expect(res.body).toMatchObject({ code: 'CONFLICT', title: 'in use as a default login' });
    }
    expect((await server.api('DELETE', `/v2/spaces/${enc(t.other)}`)).status).toBe(204);
    // A deleted provider's defaults do not hold anything back.
    await db().updateTable('identity_providers').set({ deleted_at: new Date().toISOString() }).where('id', '=', idp).execute();
    expect((await server.api('DELETE', `/v2/organizations/${enc(t.org)}`)).status).toBe(204);
  });
});

describe('deleting a custom role named in role mappings', () => {
  it('counts mapping entries as uses (409 role in use); force removes them; a default login naming the role refuses even force', async () => {
    const t = await tree('role-del');
    const role = await customRole();
    const idp = await insertProvider(server, 'role-del.example.test', [
      { attributes: {}, isAccountAdmin: true, spaceRoles: [{ space_id: dbId(t.space), role_id: dbId(role) }] },
    ]);
    const refused = await server.api('DELETE', `/v2/roles/${enc(role)}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/1 role-mapping entry/);
    expect((await server.api('DELETE', `/v2/roles/${enc(role)}?force=true`)).status).toBe(204);
    expect((await rules(idp))[0].space_roles).toEqual([]);

    const defaultRole = await customRole();
    await db().updateTable('identity_providers').set({
      allow_default_login: 1, default_org_id: dbId(t.org), default_org_role_id: builtIn.MEMBER!, default_space_id: dbId(t.space), default_space_role_id: dbId(defaultRole),
    }).where('id', '=', idp).execute();
    const forced = await server.api('DELETE', `/v2/roles/${enc(defaultRole)}?force=true`);
    expect(forced.status).toBe(409);
    expect(forced.body.detail).toMatch(/default login/);
  });
});
