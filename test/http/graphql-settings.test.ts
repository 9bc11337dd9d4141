import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The operator's switches: GraphiQL on, introspection off; and the failure limit shared with REST. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { AX_GRAPHIQL: 'true', AX_GRAPHQL_INTROSPECTION: 'false', AX_AUTH_FAILURE_LIMIT: '3' } });
});
afterAll(async () => {
  await server?.close();
});

const post = (query: string, headers: Record<string, string>) =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

describe('operator settings', () => {
  it('AX_GRAPHIQL=true serves GraphiQL pointed at /graphql', async () => {
    const page = await fetch(`${server.url}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const config = await (await fetch(`${server.url}/graphiql/config.js`)).text();
    expect(config).toContain('/graphql');
  });

  it('AX_GRAPHQL_INTROSPECTION=false refuses __schema, and ordinary queries still run', async () => {
    const refused = await post('{ __schema { queryType { name } } }', { 'x-api-key': server.adminKey });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const ok = await post('{ viewer { user { email } } }', { 'x-api-key': server.adminKey });
    expect((await ok.json()).data.viewer.user.email).toBe('admin@localhost');
  });

  it('counts failed keys with REST: past the limit a GraphQL body with RATE_LIMITED and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) last = await post('{ viewer { id } }', { 'x-api-key': 'ak-wrong' });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await last!.json()).errors[0].extensions).toEqual({ code: 'RATE_LIMITED', status: 429 });
    // A valid key is never refused for what others did.
    expect((await post('{ viewer { id } }', { 'x-api-key': server.adminKey })).status).toBe(200);
  });
});

describe('GraphiQL is off by default', () => {
  it('serves no GraphiQL without AX_GRAPHIQL (the path is the console\'s, like any unknown page)', async () => {
    const plain = await startTestServer();
    try {
      expect(await (await fetch(`${plain.url}/graphiql`)).text()).not.toContain('graphiql/main.js');
      expect(await (await fetch(`${plain.url}/graphiql/config.js`)).text()).not.toContain('GRAPHQL_ENDPOINT');
    } finally {
      await plain.close();
    }
  });
});
