import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** Issue 17 §2 through the real `ax` binary: `--for 4h --reason …` grants for a while, and lists show when grants end. */
let server: TestServer;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });

describe('ax … --for DURATION --reason TEXT', () => {
  it('role-bindings create --for 4h --reason: the binding ends in four hours, and the list shows when', async () => {
    const orgId = await createOrganization(server, 'jit-cli-org');
    const spaceId = await createSpace(server, orgId, 'jit-cli-space');
    const user = await createUserWithKey(server, { email: 'jit-cli@example.com' });
    await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
    const before = Date.now();
    const created = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'SPACE',
      '--resource-id', spaceId, '--for', '4h', '--reason', 'incident 123', '-o', 'json'], { env: env() });
    expect(created.code, created.stderr).toBe(0);
    const binding = JSON.parse(created.stdout);
    expect(binding.reason).toBe('incident 123');
    const ends = Date.parse(binding.expires_at);
    expect(ends).toBeGreaterThanOrEqual(before + 4 * 3_600_000 - 1000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000);
    const listed = await runAx(['role-bindings', 'list', '--resource-id', spaceId], { env: env() });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('EXPIRES AT');
    expect(listed.stdout).toContain(binding.expires_at.slice(0, 16));
  });

  it('spaces add-user --expires-at sets the end; --for with --expires-at, or a bad duration, is a usage error', async () => {
    const orgId = await createOrganization(server, 'jit-cli-org-2');
    await createSpace(server, orgId, 'jit-cli-space-2');
    const user = await createUserWithKey(server, { email: 'jit-cli-2@example.com' });
    await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
    const added = await runAx(['spaces', 'add-user', 'jit-cli-space-2', '--user-id', user.email, '--role', 'MEMBER', '--expires-at', '2099-01-01', '-o', 'json'], { env: env() });
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout).expires_at).toBe('2099-01-01T00:00:00.000Z');
    const both = await runAx(['spaces', 'add-user', 'jit-cli-space-2', '--user-id', user.email, '--role', 'MEMBER', '--for', '1h', '--expires-at', '2099-01-01'], { env: env() });
    expect(both.code).toBe(2);
    const bad = await runAx(['organizations', 'add-user', 'jit-cli-org-2', '--user-id', user.email, '--role', 'MEMBER', '--for', 'soon'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--for: "soon" is not a duration');
  });
});
