import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, printSchema } from '../../src/http/graphql/graphql-js.js';
import { typeDefs } from '../../src/http/graphql/type-defs.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('docs/schema.graphql', () => {
  it('is the schema the source defines (npm run build prints it)', async () => {
    const committed = await readFile(join(REPO_ROOT, 'docs/schema.graphql'), 'utf8');
    expect(committed, 'docs/schema.graphql is stale: run npm run build and commit it').toBe(`${printSchema(buildSchema(typeDefs))}\n`);
  });

  it('is what GET /graphql/schema.graphql serves, to an authenticated caller only', async () => {
    const committed = await readFile(join(REPO_ROOT, 'docs/schema.graphql'), 'utf8');
    const res = await fetch(`${server.url}/graphql/schema.graphql`, { headers: { 'x-api-key': server.adminKey } });
    expect(res.status).toBe(200);
    expect(`${await res.text()}\n`).toBe(committed);
    expect((await fetch(`${server.url}/graphql/schema.graphql`)).status).toBe(401);
  });
});
