import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { runAx } from './ax-process.js';
import { runAxInTty } from './tty.js';

/**
 * Issue 12, deprovisioning through the real `ax` binary (identity.md §5.5, §7.2): `users deactivate` / `reactivate`,
 * the deactivated state in `users list` / `get`, and `api-keys transfer` of a service key whose creator left.
 */
let server: TestServer;
let count = 0;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });
const me = (key: string) => server.api('GET', '/v2/me', { key });

interface ServiceKeyAnswer { id: string; name: string; key: string; created_by_user_id: string }

/** A space MEMBER (with a USER key) who created a service key in that space. */
async function memberWithServiceKey(): Promise<{ orgId: string; spaceId: string; member: FixtureUser; svc: ServiceKeyAnswer }> {
  const n = ++count;
  const orgId = await createOrganization(server, `deprov-org-${n}`);
  const spaceId = await createSpace(server, orgId, `deprov-space-${n}`);
  const member = await createUserWithKey(server, { email: `deprov-${n}@example.com` });
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, 'MEMBER');
  const res = await server.api('POST', '/v2/api-keys', {
    key: member.key, body: { key_type: 'SERVICE', name: `deprov-pipeline-${n}`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
  });
  expect(res.status).toBe(201);
  return { orgId, spaceId, member, svc: res.body };
}

describe('ax users deactivate / reactivate', () => {
  it('deactivate --force ends the user\'s own key, keeps the service key they created, and list/get show the state', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['users', 'deactivate', w.member.email, '--force'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(stripAnsi(result.stdout).trim()).toBe(`✓ Deactivated ${w.member.email}`);
    expect((await me(w.member.key)).status).toBe(401);
    expect((await me(w.svc.key)).status).toBe(200);

    const table = await runAx(['users', 'list', '--email', w.member.email], { env: env() });
    expect(table.code, table.stderr).toBe(0);
    expect(stripAnsi(table.stdout)).toMatch(/\bDEACTIVATED\b/);
    expect(stripAnsi(table.stdout)).not.toContain('EXPIRED');

    const json = await runAx(['users', 'get', w.member.email, '-o', 'json'], { env: env() });
    expect(json.code, json.stderr).toBe(0);
    const user = JSON.parse(json.stdout) as { status: string; deactivated_at?: string };
    expect(user.status).toBe('EXPIRED');
    expect(user.deactivated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const panel = await runAx(['users', 'get', w.member.id], { env: env() });
    expect(stripAnsi(panel.stdout)).toMatch(/\bDEACTIVATED\b/);
  });

  it('users list reads DEACTIVATED (by SCIM of <provider>) for a user a SCIM directory manages; -o json keeps the API\'s shape', async () => {
    const w = await memberWithServiceKey();
    const domain = `cli-deprov-${count}.test`;
    const idpId = await insertProvider(server, domain, []);
    const now = new Date().toISOString();
    await server.context!.store.db.insertInto('user_identities').values({
      idp_id: idpId, subject: w.member.email, user_id: w.member.dbId, provisioned_by_scim: 1, last_login_at: null, last_attributes: null, created_at: now,
    }).execute();
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(w.member.id)}/deactivate`)).status).toBe(204);
    const table = await runAx(['users', 'list', '--email', w.member.email], { env: env() });
    expect(table.code, table.stderr).toBe(0);
    expect(stripAnsi(table.stdout)).toContain(`DEACTIVATED (by SCIM of idp-${domain})`);
    const json = JSON.parse((await runAx(['users', 'list', '--email', w.member.email, '-o', 'json'], { env: env() })).stdout) as { users: Record<string, unknown>[] };
    expect(json.users[0]).toMatchObject({ status: 'EXPIRED', deactivated_at: expect.any(String), scim_provider: { name: `idp-${domain}` } });
    const refused = await runAx(['users', 'reactivate', w.member.email], { env: env() });
    expect(refused.code).toBe(4);
    expect(stripAnsi(refused.stderr)).toContain(`reactivate the user in the identity provider (idp-${domain})`);
  });

  it('reactivate makes the user ACTIVE again; the revoked user key stays revoked', async () => {
    const w = await memberWithServiceKey();
    expect((await runAx(['users', 'deactivate', w.member.id, '--force'], { env: env() })).code).toBe(0);
    const result = await runAx(['users', 'reactivate', w.member.email], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(stripAnsi(result.stdout).trim()).toBe(`✓ Reactivated ${w.member.email}`);
    const user = JSON.parse((await runAx(['users', 'get', w.member.email, '-o', 'json'], { env: env() })).stdout) as { status: string; deactivated_at?: string };
    expect(user.status).toBe('ACTIVE');
    expect(user.deactivated_at).toBeUndefined();
    expect((await me(w.member.key)).status).toBe(401);
  });

  it('on a terminal spells out what stops and what keeps working, and declining changes nothing', async () => {
    const w = await memberWithServiceKey();
    const result = await runAxInTty(['users', 'deactivate', w.member.email], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain(`This will deactivate user ${w.member.email}:`);
    expect(text).toContain('console sessions end');
    expect(text).toContain('CLI logins end and their user API keys are revoked');
    // The server's dry run names the service key they created, and what to add to revoke or rotate it.
    expect(text).toMatch(new RegExp(`1 service key they created keep working .*--service-keys revoke or rotate.*: ${w.svc.name} \\(ak-`));
    expect(text).toContain(`User ${w.member.email} not deactivated.`);
    expect((await me(w.member.key)).status).toBe(200);
  });

  it('--service-keys revoke revokes the service keys they created in the same request; the confirmation says so', async () => {
    const w = await memberWithServiceKey();
    const asked = await runAxInTty(['users', 'deactivate', w.member.email, '--service-keys', 'revoke'], { env: env(), input: 'n\n' });
    expect(stripAnsi(asked.stdout)).toContain(`1 service key they created will be revoked: ${w.svc.name}`);
    expect((await me(w.svc.key)).status).toBe(200);
    const result = await runAx(['users', 'deactivate', w.member.email, '--service-keys', 'revoke', '--force'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect((await me(w.member.key)).status).toBe(401);
    expect((await me(w.svc.key)).status).toBe(401);
  });

  it('--service-keys rotate prints each new key once; the old secret stops', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['users', 'deactivate', w.member.email, '--service-keys', 'rotate', '--force'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const out = stripAnsi(result.stdout);
    expect(out).toContain(`✓ Deactivated ${w.member.email}`);
    expect(out).toContain(`New key for service key ${w.svc.name}`);
    const newKey = /New key for service key [^\n]*?\): (ak-\S+)/.exec(out)![1]!;
    expect((await me(w.svc.key)).status).toBe(401);
    expect((await me(newKey)).status).toBe(200);
  });

  it('without a terminal and without --force refuses with exit 2 and changes nothing', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['users', 'deactivate', w.member.email], { env: env() });
    expect(result.code).toBe(2);
    expect(stripAnsi(result.stderr)).toContain('add --force');
    expect((await me(w.member.key)).status).toBe(200);
  });

  it('refuses to deactivate oneself (the last admin) with exit 4 and a one-line reason', async () => {
    const self = (await me(server.adminKey)).body as { id: string };
    const result = await runAx(['users', 'deactivate', self.id, '--force'], { env: env() });
    expect(result.code).toBe(4);
    const first = stripAnsi(result.stderr).split('\n')[0]!;
    expect(first).toMatch(/^✗ Error: 422 /);
    expect((await me(server.adminKey)).status).toBe(200);
  });

  it('an unknown email is exit 4 with the lookup named', async () => {
    const result = await runAx(['users', 'reactivate', 'nobody-here@example.com'], { env: env() });
    expect(result.code).toBe(4);
    expect(stripAnsi(result.stderr)).toContain('nobody-here@example.com');
  });
});

describe('ax api-keys transfer', () => {
  it('moves the service key of a deactivated creator to a new owner who holds its roles', async () => {
    const w = await memberWithServiceKey();
    const heir = await createUserWithKey(server, { email: `heir-${count}@example.com` });
    await addOrganizationMember(server, w.orgId, heir.id, 'READ_ONLY');
    await addSpaceMember(server, w.spaceId, heir.id, 'ADMIN');
    expect((await runAx(['users', 'deactivate', w.member.email, '--force'], { env: env() })).code).toBe(0);

    const result = await runAx(['api-keys', 'transfer', w.svc.id, '--to', heir.email], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(stripAnsi(result.stdout).trim()).toBe(`✓ Transferred API key ${w.svc.name} (${w.svc.id}) to ${heir.email}`);
    const listed = await runAx(['api-keys', 'list', '--created-by', heir.email, '--key-type', 'service', '-o', 'json'], { env: env() });
    const keys = (JSON.parse(listed.stdout) as { api_keys: { id: string; created_by_user_id: string }[] }).api_keys;
    expect(keys.map((k) => [k.id, k.created_by_user_id])).toEqual([[w.svc.id, heir.id]]);
    expect((await me(w.svc.key)).status).toBe(200);
  });

  it('-o json prints the transferred key', async () => {
    const w = await memberWithServiceKey();
    const heir = await createUserWithKey(server, { email: `heir-json-${count}@example.com`, role: 'ADMIN' });
    const result = await runAx(['api-keys', 'transfer', w.svc.id, '--to', heir.id, '-o', 'json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: w.svc.id, created_by_user_id: heir.id, key_type: 'SERVICE' });
  });

  it('a new owner without the key\'s permissions is a 403 naming the first one missing, exit 4', async () => {
    const w = await memberWithServiceKey();
    const outsider = await createUserWithKey(server, { email: `outsider-${count}@example.com` });
    const result = await runAx(['api-keys', 'transfer', w.svc.id, '--to', outsider.email], { env: env() });
    expect(result.code).toBe(4);
    expect(stripAnsi(result.stderr).split('\n')[0]).toMatch(/^✗ Error: 403 .*[A-Z]+_[A-Z_]+/);
  });

  it('a USER key cannot be transferred, and --to is required', async () => {
    const w = await memberWithServiceKey();
    const keys = (await server.api('GET', '/v2/api-keys?key_type=USER', { key: w.member.key })).body as { api_keys: { id: string }[] };
    const userKey = keys.api_keys[0]!.id;
    const self = (await me(server.adminKey)).body as { id: string };
    const refused = await runAx(['api-keys', 'transfer', userKey, '--to', self.id], { env: env() });
    expect(refused.code).toBe(4);
    expect(stripAnsi(refused.stderr).split('\n')[0]).toMatch(/^✗ Error: 4\d\d /);
    const missing = await runAx(['api-keys', 'transfer', w.svc.id], { env: env() });
    expect(missing.code).toBe(2);
    expect(stripAnsi(missing.stderr)).toContain('--to');
  });
});
