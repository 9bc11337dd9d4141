import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { testBackend } from '../helpers/database.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8, item 5: grants are decided on rights current inside the write transaction, not on the snapshot read
 * when the request arrived. A granter removed before (or while) its grant commits is refused.
 */
let server: TestServer;
let count = 0;
let readOnlyRoleId: string;

beforeAll(async () => {
  server = await startTestServer();
  const roles: { id: string; name: string }[] = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles;
  readOnlyRoleId = roles.find((r) => r.name === 'Read Only')!.id;
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const unique = (prefix: string) => `${prefix}-${++count}`;

/** An organization with a space, a space ADMIN (organization READ_ONLY) who grants, and a target in the organization. */
async function world() {
  const orgId = await createOrganization(server, unique('race-org'));
  const spaceId = await createSpace(server, orgId, unique('race-space'));
  const person = async (spaceRole?: 'ADMIN') => {
    const u = await createUserWithKey(server, { email: `${unique('race-user')}@example.com` });
    await addOrganizationMember(server, orgId, u.id, 'READ_ONLY');
    if (spaceRole) await addSpaceMember(server, spaceId, u.id, spaceRole);
    return u;
  };
  return { orgId, spaceId, granter: await person('ADMIN'), target: await person() };
}

const bind = (w: { spaceId: string; target: FixtureUser }, key: string) =>
  server.api('POST', '/v2/role-bindings', { key, body: { user_id: w.target.id, role_id: readOnlyRoleId, resource_type: 'SPACE', resource_id: w.spaceId } });
const bindingsOf = (user: FixtureUser) => db().selectFrom('role_bindings').select('id').where('user_id', '=', user.dbId).execute();

/**
 * Removes `person` from every organization and space in a transaction of a second connection, as another process
 * would (access version first), starts `request`, waits until PostgreSQL shows a backend waiting for a lock (the
 * request's transaction waiting for the removal), then commits and answers the request's response. Without the
 * wait the request would have answered before the commit: the test fails there.
 */
async function whileRemovalHeldOpen<T>(person: FixtureUser, request: () => Promise<T>): Promise<T> {
  const other = new pg.Client({ connectionString: server.databaseUrl });
  const observer = new pg.Client({ connectionString: server.databaseUrl });
  await other.connect();
  await observer.connect();
  try {
    const otherPid = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    await other.query('begin');
    await other.query('update accounts set access_version = access_version + 1 where id = 1');
    await other.query('delete from organization_memberships where user_id = $1', [person.dbId]);
    await other.query('delete from space_memberships where user_id = $1', [person.dbId]);
    let settled = false;
    const pending = request().finally(() => { settled = true; });
    for (;;) {
      const { rows } = await observer.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and pid <> $1",
        [otherPid],
      );
      if (rows[0]!.n > 0 || settled) break;
    }
    expect(settled).toBe(false);
    await other.query('commit');
    return await pending;
  } finally {
    await observer.end();
    await other.end();
  }
}

describe('grants after the granter was removed', () => {
  it('a space admin removed from the organization can no longer bind, add members or mint service keys there', async () => {
    const w = await world();
    expect((await server.api('GET', `/v2/spaces/${enc(w.spaceId)}`, { key: w.granter.key })).status).toBe(200);
    expect((await server.api('DELETE', `/v2/organizations/${enc(w.orgId)}/users/${enc(w.granter.id)}`)).status).toBe(204);
    expect((await bind(w, w.granter.key)).status).toBe(404);
    const member = await server.api('POST', `/v2/spaces/${enc(w.spaceId)}/users`, {
      key: w.granter.key, body: { user_id: w.target.id, role: { type: 'PREDEFINED', name: 'MEMBER' } },
    });
    expect(member.status).toBe(404);
    const key = await server.api('POST', '/v2/api-keys', {
      key: w.granter.key, body: { key_type: 'SERVICE', name: unique('late'), organizations: [{ org_id: w.orgId, spaces: [{ space_id: w.spaceId }] }] },
    });
    expect(key.status).toBe(404);
    expect(await bindingsOf(w.target)).toEqual([]);
  });
});

describe.runIf(testBackend === 'postgres')('a grant racing the removal of its granter (PostgreSQL)', () => {
  it('waits for the removal held open in another connection and is refused once it commits, though no notification told the server', async () => {
    const w = await world();
    // The server's snapshot is warm and shows the granter as the space's admin.
    expect((await server.api('GET', `/v2/spaces/${enc(w.spaceId)}`, { key: w.granter.key })).status).toBe(200);
    const res = await whileRemovalHeldOpen(w.granter, () => bind(w, w.granter.key));
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(await bindingsOf(w.target)).toEqual([]);
  });

  it('a service key refresh by its creator waits for the creator\'s removal and is refused (404) once it commits', async () => {
    const w = await world();
    const created = await server.api('POST', '/v2/api-keys', {
      key: w.granter.key, body: { key_type: 'SERVICE', name: unique('racing'), organizations: [{ org_id: w.orgId, spaces: [{ space_id: w.spaceId }] }] },
    });
    expect(created.status).toBe(201);
    const res = await whileRemovalHeldOpen(w.granter, () =>
      server.api('POST', `/v2/api-keys/${enc(created.body.id)}/refresh`, { key: w.granter.key, body: {} }));
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect((await server.api('GET', '/v2/me', { key: created.body.key })).status).toBe(200);
  });

  it('grants do not wait for each other: another reader of the version (a share lock) does not block a grant', async () => {
    const w = await world();
    const other = new pg.Client({ connectionString: server.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select access_version from accounts where id = 1 for share');
      // A share lock does not block the grant (it reads FOR SHARE too).
      expect((await bind(w, w.granter.key)).status).toBe(201);
      await other.query('commit');
    } finally {
      await other.end();
    }
  });
});
