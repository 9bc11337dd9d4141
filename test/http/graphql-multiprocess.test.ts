import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { type ProcessPair, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 15: a key revoked through `/graphql` on process A is refused by `/graphql` on process B — which has already
 * accepted (and may keep) it — within the change feed's second. GraphQL adds no cache of its own: this is the
 * services' cross-process rule seen through the second endpoint.
 */
const ADMIN_KEY = `ak-graphql-mp-admin-${Math.random().toString(36).slice(2)}`;
const DEADLINE_MS = 1000;

async function graphql(url: string, key: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
}

const VIEWER = '{ viewer { user { email } } }';

describe.skipIf(testBackend !== 'postgres')(
  'a key revoked through /graphql on one server process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY }); });
    afterAll(async () => { await pair?.stop(); });

    it('gets 401 UNAUTHENTICATED on /graphql of a second process within a second', async () => {
      const { a, b } = pair;
      const created = await graphql(a.url, ADMIN_KEY,
        'mutation { createUserApiKey(input: { name: "graphql-mp" }) { apiKey { id } key } }');
      expect(created.body.errors).toBeUndefined();
      const { apiKey, key } = created.body.data!.createUserApiKey as { apiKey: { id: string }; key: string };
      // B verifies (and may keep) the key first.
      const before = await graphql(b.url, key, VIEWER);
      expect(before.status).toBe(200);
      expect(before.body.data?.viewer).toEqual({ user: { email: expect.any(String) } });

      const revoked = await graphql(a.url, ADMIN_KEY,
        'mutation ($id: ID!) { revokeApiKey(input: { apiKeyId: $id }) { apiKey { id status } } }', { id: apiKey.id });
      expect(revoked.body.errors).toBeUndefined();
      expect(revoked.body.data?.revokeApiKey).toEqual({ apiKey: { id: apiKey.id, status: 'revoked' } });
      expect((await graphql(a.url, key, VIEWER)).status).toBe(401);

      const since = performance.now();
      let answer = await graphql(b.url, key, VIEWER);
      while (answer.status !== 401 && performance.now() - since < 5000) answer = await graphql(b.url, key, VIEWER);
      const elapsed = performance.now() - since;
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(elapsed).toBeLessThan(DEADLINE_MS);
    });
  },
);
