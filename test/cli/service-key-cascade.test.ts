import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';
import { runAxInTty } from './tty.js';

/**
 * Issue 8, item 1 through the real `ax` binary: the removals' confirmations show the server's own dry run,
 * service keys by name, and `--service-keys revoke|rotate` acts on them (rotate prints each new key once).
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

/** An organization and space, a space MEMBER in them, and a service key that member created. */
interface ServiceKeyAnswer { id: string; name: string; key: string; redacted_key: string }

async function memberWithServiceKey(): Promise<{ org: string; orgId: string; space: string; spaceId: string; member: FixtureUser; svc: ServiceKeyAnswer }> {
  const n = ++count;
  const org = `cascade-org-${n}`;
  const space = `cascade-space-${n}`;
  const orgId = await createOrganization(server, org);
  const spaceId = await createSpace(server, orgId, space);
  const member = await createUserWithKey(server, { email: `cascade-${n}@example.com` });
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, 'MEMBER');
  const res = await server.api('POST', '/v2/api-keys', {
    key: member.key, body: { key_type: 'SERVICE', name: `pipeline-${n}`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
  });
  expect(res.status).toBe(201);
  return { org, orgId, space, spaceId, member, svc: res.body };
}

describe('removal confirmations list the service keys the person created', () => {
  it('organizations remove-user on a terminal shows the server\'s cascade with the key by name, and declining changes nothing', async () => {
    const w = await memberWithServiceKey();
    const result = await runAxInTty(['organizations', 'remove-user', w.org, '--user-id', w.member.email], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain('also removes them from 1 space of the organization');
    expect(text).toContain(`1 service key they created keep working`);
    expect(text).toContain(`${w.svc.name} (${w.svc.redacted_key})`);
    expect(text).toContain(`not removed from ${w.org}`);
    const members: { user_id: string }[] = (await server.api('GET', `/v2/organizations/${encodeURIComponent(w.orgId)}/users`)).body.memberships;
    expect(members.map((m) => m.user_id)).toContain(w.member.id);
  });

  it('users delete on a terminal names what --service-keys revoke will do', async () => {
    const w = await memberWithServiceKey();
    const result = await runAxInTty(['users', 'delete', w.member.email, '--service-keys', 'revoke'], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(text).toMatch(new RegExp(`${w.member.email}: 1 organization membership, 1 space membership, 0 role bindings, 1 API key revoked; 1 service key they created will be revoked: ${w.svc.name}`));
    expect((await me(w.svc.key)).status).toBe(200);
  });

  it('spaces remove-user --service-keys revoke --force revokes the key with the removal', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['spaces', 'remove-user', w.space, '--user-id', w.member.email, '--service-keys', 'revoke', '--force'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('revoked the service keys they created there');
    expect((await me(w.svc.key)).status).toBe(401);
  });

  it('users delete --service-keys rotate --force prints each new key once, clearly marked; the old secret stops', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['users', 'delete', w.member.email, '--service-keys', 'rotate', '--force'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const match = new RegExp(`^New key for service key ${w.svc.name} \\(\\S+, replaces ${w.svc.id.replace(/[+/=]/g, '\\$&')}\\): (\\S+)$`, 'm').exec(stripAnsi(result.stdout));
    expect(match, result.stdout).not.toBeNull();
    expect(stripAnsi(result.stdout + result.stderr)).toContain('shown only this once');
    expect((await me(w.svc.key)).status).toBe(401);
    expect((await me(match![1]!)).status).toBe(200);
  });

  it('api-keys list --created-by finds the keys a person created, those minted by their bot included', async () => {
    const w = await memberWithServiceKey();
    const minted = await server.api('POST', '/v2/api-keys', {
      key: w.svc.key, body: { key_type: 'SERVICE', name: `${w.svc.name}-child`, organizations: [{ org_id: w.orgId, spaces: [{ space_id: w.spaceId }] }] },
    });
    expect(minted.status).toBe(201);
    const result = await runAx(['api-keys', 'list', '--created-by', w.member.email, '--key-type', 'service', '-o', 'json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as { api_keys: { id: string }[] };
    expect(listed.api_keys.map((k) => k.id)).toEqual([w.svc.id, minted.body.id]);
  });

  it('refuses an unknown --service-keys value as a usage error (exit 2)', async () => {
    const w = await memberWithServiceKey();
    const result = await runAx(['spaces', 'remove-user', w.space, '--user-id', w.member.email, '--service-keys', 'shred', '--force'], { env: env() });
    expect(result.code).toBe(2);
  });
});
