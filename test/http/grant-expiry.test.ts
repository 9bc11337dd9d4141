import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { sweepExpiredGrants } from '../../src/services/grant-expiry.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 17 §2, grants that expire: a role binding or membership with `expires_at` stops counting at that instant
 * (the server's clock, moved forward here instead of waiting), before any sweep; the sweeper then removes it with an
 * audit row. Listing shows the expiry and the reason.
 */
let server: TestServer;
let count = 0;
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
});
afterAll(async () => {
  await server?.close();
});

const ctx = () => server.context!;
const unique = (prefix: string) => `${prefix}-${++count}`;
const inHours = (hours: number) => new Date(ctx().clock.now() + hours * HOUR).toISOString();

async function roleId(key: 'MEMBER' | 'READ_ONLY'): Promise<string> {
  const row = await ctx().store.db.selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', key).executeTakeFirstOrThrow();
  return encodeId('Role', row.id);
}

async function world() {
  const orgId = await createOrganization(server, unique('jit-org'));
  const spaceId = await createSpace(server, orgId, unique('jit-space'));
  const projectId = await createProject(server, spaceId, unique('jit-project'));
  const user = await createUserWithKey(server, { email: `${unique('jit-user')}@example.com` });
  return { orgId, spaceId, projectId, user };
}

async function auditRows(operation: string) {
  return ctx().store.db.selectFrom('audit_logs').select(['user_id', 'operation_text']).where('operation_name', '=', operation).execute();
}

describe('role bindings that expire', () => {
  it('answer and list their expiry and reason; stop counting at the instant; the sweeper removes them with an audit row', async () => {
    const h = await world();
    await addOrganizationMember(server, h.orgId, h.user.id, 'READ_ONLY');
    const expiresAt = inHours(4);
    const created = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: h.user.id, role_id: await roleId('MEMBER'), resource_type: 'PROJECT', resource_id: h.projectId, expires_at: expiresAt, reason: 'incident 123' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ expires_at: expiresAt, reason: 'incident 123' });
    const listed = await server.api('GET', `/v2/role-bindings?resource_type=PROJECT&resource_id=${enc(h.projectId)}`);
    expect(listed.body.role_bindings).toEqual([expect.objectContaining({ id: created.body.id, expires_at: expiresAt, reason: 'incident 123' })]);

    const canCreate = () => server.api('POST', '/v2/access/check', { body: { user_id: h.user.id, permission: 'PROJECT_SPAN_ANNOTATE', resource_id: h.projectId } });
    expect((await canCreate()).body.allowed).toBe(true);
    // The test clock runs with real time too: a minute of margin before the instant.
    await server.advanceClock(4 * HOUR - 60_000);
    expect((await canCreate()).body.allowed).toBe(true);
    await server.advanceClock(60_000);
    // At the instant, before any sweep: the grant no longer counts, though its row is still there.
    expect((await canCreate()).body.allowed).toBe(false);
    expect((await server.api('GET', `/v2/role-bindings/${enc(created.body.id)}`)).status).toBe(200);

    const audits = (await auditRows('GRANT_EXPIRED')).length;
    expect(await sweepExpiredGrants(ctx())).toBeGreaterThanOrEqual(1);
    expect((await server.api('GET', `/v2/role-bindings/${enc(created.body.id)}`)).status).toBe(404);
    const rows = await auditRows('GRANT_EXPIRED');
    expect(rows.length).toBe(audits + 1);
    expect(rows.at(-1)!.user_id).toBe(0);
    expect(JSON.parse(rows.at(-1)!.operation_text!)).toMatchObject({ kind: 'ROLE_BINDING', user_id: h.user.id, resource_id: h.projectId, expires_at: expiresAt, reason: 'incident 123' });
    // A second sweep finds nothing (as a second process sweeping at the same time would not).
    expect(await sweepExpiredGrants(ctx())).toBe(0);
  });

  it('refuses an expiry in the past (422) or that is no instant (400)', async () => {
    const h = await world();
    const body = { user_id: h.user.id, role_id: await roleId('MEMBER'), resource_type: 'SPACE', resource_id: h.spaceId };
    const past = await server.api('POST', '/v2/role-bindings', { body: { ...body, expires_at: inHours(-1) } });
    expect(past.status).toBe(422);
    expect(past.body.detail).toContain('expires_at');
    expect((await server.api('POST', '/v2/role-bindings', { body: { ...body, expires_at: 'tomorrow' } })).status).toBe(400);
    expect((await server.api('POST', '/v2/role-bindings', { body: { ...body, reason: '' } })).status).toBe(400);
  });

  it('a binding without expires_at does not expire and carries no expiry field', async () => {
    const h = await world();
    const created = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: h.user.id, role_id: await roleId('READ_ONLY'), resource_type: 'SPACE', resource_id: h.spaceId },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('expires_at');
    await server.advanceClock(1000 * HOUR);
    await sweepExpiredGrants(ctx());
    expect((await server.api('GET', `/v2/role-bindings/${enc(created.body.id)}`)).status).toBe(200);
  });
});

describe('dry runs and expired grants', () => {
  it('a grant past its end but not yet swept is not counted by a dry run, before or after', async () => {
    const h = await world();
    await addOrganizationMember(server, h.orgId, h.user.id, 'READ_ONLY');
    const member = await roleId('MEMBER');
    const created = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: h.user.id, role_id: member, resource_type: 'SPACE', resource_id: h.spaceId, expires_at: inHours(1) },
    });
    expect(created.status).toBe(201);
    await server.advanceClock(HOUR);
    // Deleting the expired (unswept) binding moves no right: it no longer counted.
    const preview = await server.api('DELETE', `/v2/role-bindings/${enc(created.body.id)}?dry_run=true`);
    expect(preview.status).toBe(200);
    expect(preview.body.principals).toEqual([]);
    expect(preview.body.cascade.role_bindings).toBe(1);
  });
});

describe('memberships that expire', () => {
  it('an organization membership ends at its instant and is swept with the user\'s spaces of it', async () => {
    const h = await world();
    const expiresAt = inHours(2);
    const added = await server.api('POST', `/v2/organizations/${enc(h.orgId)}/users`, {
      body: { user_id: h.user.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' }, expires_at: expiresAt, reason: 'audit week' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ expires_at: expiresAt, reason: 'audit week' });
    const space = await server.api('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { body: { user_id: h.user.id, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(space.status).toBe(200);
    const members = await server.api('GET', `/v2/organizations/${enc(h.orgId)}/users`);
    expect(members.body.memberships.find((m: { user_id: string }) => m.user_id === h.user.id)).toMatchObject({ expires_at: expiresAt, reason: 'audit week' });

    const readSpace = () => server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: h.user.key });
    expect((await readSpace()).status).toBe(200);
    await server.advanceClock(2 * HOUR);
    expect((await readSpace()).status).toBe(404);
    await sweepExpiredGrants(ctx());
    const spaceMembers = await server.api('GET', `/v2/spaces/${enc(h.spaceId)}/users`);
    expect(spaceMembers.body.memberships.map((m: { user_id: string }) => m.user_id)).not.toContain(h.user.id);
  });

  it('adding a member again without expires_at makes the membership permanent', async () => {
    const h = await world();
    await addOrganizationMember(server, h.orgId, h.user.id, 'READ_ONLY');
    const body = { user_id: h.user.id, role: { type: 'PREDEFINED', name: 'MEMBER' } };
    const timed = await server.api('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { body: { ...body, expires_at: inHours(1) } });
    expect(timed.body).toHaveProperty('expires_at');
    const permanent = await server.api('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { body });
    expect(permanent.body).not.toHaveProperty('expires_at');
    await server.advanceClock(2 * HOUR);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: h.user.key })).status).toBe(200);
  });
});
