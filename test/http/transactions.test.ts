import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Every change is one transaction with its audit row: a failure half-way (injected after the service did all its
 * writes, before the commit) leaves nothing changed. Also: concurrent duplicate creates cannot both succeed.
 */
let server: TestServer;
const enc = encodeURIComponent;

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => endFault());
afterAll(async () => server?.close());

/**
 * Makes the audit row of `operation` fail to insert: a database trigger, so the fault is injected through the store
 * the server uses and the production code has no branch for it. The audit row is the last write of every change,
 * so the service's own writes have all run when the transaction fails.
 */
async function failAuditOf(operation: string): Promise<void> {
  const db = server.context!.store.db;
  const name = sql.lit(operation);
  if (testBackend === 'postgres') {
    await sql`create or replace function fault_injected() returns trigger language plpgsql as $$ begin raise exception 'fault injected'; end $$`.execute(db);
    await sql`create trigger fault_injected before insert on audit_logs for each row when (new.operation_name = ${name}) execute function fault_injected()`.execute(db);
  } else {
    await sql`create trigger fault_injected before insert on audit_logs when new.operation_name = ${name} begin select raise(abort, 'fault injected'); end`.execute(db);
  }
}

async function endFault(): Promise<void> {
  const db = server.context!.store.db;
  if (testBackend === 'postgres') await sql`drop trigger if exists fault_injected on audit_logs`.execute(db);
  else await sql`drop trigger if exists fault_injected`.execute(db);
}

async function counts() {
  const db = server.context!.store.db;
  const n = async (table: 'organization_memberships' | 'space_memberships' | 'role_bindings' | 'audit_logs' | 'spaces' | 'projects') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const activeKeys = Number((await db.selectFrom('api_keys').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'ACTIVE').executeTakeFirstOrThrow()).n);
  return {
    orgMemberships: await n('organization_memberships'), spaceMemberships: await n('space_memberships'), bindings: await n('role_bindings'),
    audit: await n('audit_logs'), spaces: await n('spaces'), projects: await n('projects'), activeKeys,
  };
}

describe('a failure half-way leaves nothing changed', () => {
  it('user delete: memberships, bindings and keys all stay when the commit fails, and all go when it succeeds', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tx-org' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'tx-space', organization_id: org.id } })).body;
    const project = (await server.api('POST', '/v2/projects', { body: { name: 'tx-project', space_id: space.id } })).body;
    const user = await createUserWithKey(server, { email: 'tx@example.com' });
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const readOnly = roles.find((r) => r.name === 'Read Only')!.id;
    expect((await server.api('POST', `/v2/organizations/${enc(org.id)}/users`, { body: { user_id: user.id, role: { type: 'PREDEFINED', name: 'MEMBER' } } })).status).toBe(200);
    expect((await server.api('POST', `/v2/spaces/${enc(space.id)}/users`, { body: { user_id: user.id, role: { type: 'PREDEFINED', name: 'MEMBER' } } })).status).toBe(200);
    expect((await server.api('POST', '/v2/role-bindings', { body: { user_id: user.id, role_id: readOnly, resource_type: 'PROJECT', resource_id: project.id } })).status).toBe(201);
    const before = await counts();

    await failAuditOf('DELETE /v2/users/:user_id');
    const failed = await server.api('DELETE', `/v2/users/${enc(user.id)}`);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.stringify(failed.body)).not.toContain('fault injected');
    expect(await counts()).toEqual(before);
    expect((await server.api('GET', '/v2/me', { key: user.key })).status).toBe(200);
    expect((await server.api('GET', `/v2/users/${enc(user.id)}`)).status).toBe(200);

    await endFault();
    expect((await server.api('DELETE', `/v2/users/${enc(user.id)}`)).status).toBe(204);
    const after = await counts();
    expect(after.orgMemberships).toBe(before.orgMemberships - 1);
    expect(after.spaceMemberships).toBe(before.spaceMemberships - 1);
    expect(after.bindings).toBe(before.bindings - 1);
    expect(after.activeKeys).toBe(before.activeKeys - 1);
    expect((await server.api('GET', '/v2/me', { key: user.key })).status).toBe(401);
  });

  it('space delete: projects and memberships stay when the commit fails', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tx-org-2' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'doomed', organization_id: org.id } })).body;
    await server.api('POST', '/v2/projects', { body: { name: 'inside', space_id: space.id } });
    const before = await counts();
    await failAuditOf('DELETE /v2/spaces/:space_id');
    expect((await server.api('DELETE', `/v2/spaces/${enc(space.id)}`)).status).toBe(500);
    expect(await counts()).toEqual(before);
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`)).status).toBe(200);
  });
});

describe('uniqueness holds under concurrency', () => {
  it('ten concurrent creates of one organization name: exactly one 201, the rest 409', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => server.api('POST', '/v2/organizations', { body: { name: 'race' } })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  });
});
