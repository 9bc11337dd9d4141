import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** `ax api-keys list --orphaned` (identity.md §5.5): the service keys whose creator is gone or lost the key's roles, with the reason. */
let server: TestServer;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });
const enc = encodeURIComponent;

describe('ax api-keys list --orphaned', () => {
  it('lists a deleted creator\'s key and a removed creator\'s key with their reasons, not a healthy one; non-admins get the 403', async () => {
    const orgId = await createOrganization(server, 'cli-orphans-org');
    const spaceId = await createSpace(server, orgId, 'cli-orphans-space');
    const keys: Record<string, { id: string; name: string }> = {};
    const people: Record<string, { id: string; key: string }> = {};
    for (const who of ['deleted', 'removed', 'healthy']) {
      const person = await createUserWithKey(server, { email: `cli-orphans-${who}@example.com` });
      await addOrganizationMember(server, orgId, person.id, 'READ_ONLY');
      await addSpaceMember(server, spaceId, person.id, 'MEMBER');
      const res = await server.api('POST', '/v2/api-keys', {
        key: person.key, body: { key_type: 'SERVICE', name: `cli-orphans-${who}-etl`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
      });
      expect(res.status).toBe(201);
      keys[who] = res.body;
      people[who] = person;
    }
    expect((await server.api('DELETE', `/v2/users/${enc(people.deleted!.id)}`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/spaces/${enc(spaceId)}/users/${enc(people.removed!.id)}`)).status).toBe(204);

    const table = await runAx(['api-keys', 'list', '--orphaned'], { env: env() });
    expect(table.code, table.stderr).toBe(0);
    const lines = stripAnsi(table.stdout).split('\n');
    expect(lines[0]).toMatch(/\bORPHANED\b/);
    expect(lines.find((l) => l.includes(keys.deleted!.name))).toContain('creator deleted');
    expect(lines.find((l) => l.includes(keys.removed!.name))).toContain('creator lacks the key\'s roles (missing SERVICE_KEY_CREATE)');
    expect(stripAnsi(table.stdout)).not.toContain(keys.healthy!.name);

    const json = await runAx(['api-keys', 'list', '--orphaned', '--space', spaceId, '-o', 'json'], { env: env() });
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { api_keys: { id: string; orphaned: unknown }[] }).api_keys.map((k) => [k.id, k.orphaned])).toEqual([
      [keys.deleted!.id, { reason: 'CREATOR_DELETED' }],
      [keys.removed!.id, { reason: 'CREATOR_LACKS_ROLES', missing_permission: 'SERVICE_KEY_CREATE' }],
    ]);

    const refused = await runAx(['api-keys', 'list', '--orphaned'], { env: { ...env(), ARIZE_API_KEY: people.healthy!.key } });
    expect(refused.code).toBe(4);
    expect(stripAnsi(refused.stderr)).toContain('account admin required to list orphaned service keys');
  });
});
