import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Walks every route of the OpenAPI document with malformed bodies, wrong types, unknown fields, missing fields,
 * bad ids and bad query strings, and asserts each answer is a 4xx problem — never a 5xx, never a stack trace.
 */
interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  queryParams: string[];
  /** Required query parameters, filled with a valid value so that the bad one is the only fault. */
  requiredQuery: string;
}

let server: TestServer;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  const doc = (await server.api('GET', '/v2/openapi.json', { key: null })).body as {
    paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string; required?: boolean; schema?: { anyOf?: { const?: string; enum?: string[] }[]; enum?: string[] } }[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      hasBody: op.requestBody !== undefined,
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      requiredQuery: (op.parameters ?? []).filter((p) => p.in === 'query' && p.required)
        .map((p) => `${p.name}=${encodeURIComponent(p.schema?.anyOf?.[0]?.const ?? p.schema?.anyOf?.[0]?.enum?.[0] ?? p.schema?.enum?.[0] ?? 'x')}&`).join(''),
    })));
});

afterAll(async () => server?.close());

const BAD_IDS = ['not-an-id', 'VXNlcjoxMg', 'AAAA', '%25%25', 'U3BhY2U6OTk5OTk5OQ%3D%3D', 'a'.repeat(300)];

function fill(path: string, id: string): string {
  return path.replace(/\{[^}]+\}/g, id);
}

function expectProblem(res: { status: number; headers: Headers; body: unknown }, label: string) {
  expect(res.status, `${label} → ${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label} → ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(500);
  expect(res.headers.get('content-type'), label).toMatch(/application\/problem\+json/);
  const body = res.body as { status: number; title: string };
  expect(body.status, label).toBe(res.status);
  expect(typeof body.title, label).toBe('string');
  expect(JSON.stringify(body), label).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('bad input never reaches a 5xx', () => {
  it('documents the admin surface in OpenAPI 3.1', () => {
    expect(operations.length).toBeGreaterThan(3);
  });

  it('answers bad ids in every path with a 4xx problem', async () => {
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      for (const id of BAD_IDS) {
        const res = await server.api(op.method, fill(op.path, id), op.hasBody ? { body: {} } : {});
        expectProblem(res, `${op.method} ${fill(op.path, id)}`);
      }
    }
  });

  it('answers malformed JSON, wrong types, unknown and missing fields with a 4xx problem', async () => {
    const bodies: unknown[] = ['{"name": ', '[]', '"text"', '42', 'null', { unknown_field: 1 }, { name: 42, description: [] },
      { name: {}, email: 7, role: 'ADMIN', permissions: 'X', user_id: 5, resource_id: true }, {}];
    for (const op of operations.filter((o) => o.hasBody)) {
      for (const body of bodies) {
        const res = await server.api(op.method, fill(op.path, 'VXNlcjoxMg=='), { body });
        expectProblem(res, `${op.method} ${op.path} ${JSON.stringify(body)}`);
      }
    }
  });

  it('answers bad limits, cursors and filters with a 400 problem naming the parameter', async () => {
    for (const op of operations.filter((o) => o.method === 'GET' && o.queryParams.includes('limit'))) {
      for (const query of ['limit=0', 'limit=101', 'limit=abc', 'limit=-1', 'cursor=forged', 'cursor=eyJzIjoieCIsImsiOjF9.AAAA']) {
        const res = await server.api('GET', `${op.path}?${op.requiredQuery}${query}`);
        expectProblem(res, `GET ${op.path}?${query}`);
        expect(res.status, `GET ${op.path}?${query}`).toBe(400);
        expect((res.body as { detail: string }).detail, `GET ${op.path}?${query}`).toMatch(query.startsWith('limit') ? /limit/ : /cursor/);
      }
    }
  });

  it('answers oversized bodies and wrong content types with a 4xx problem', async () => {
    const res = await server.api('POST', '/v2/organizations', { body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    expectProblem(res, 'oversized body');
    const form = await server.api('POST', '/v2/organizations', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(form, 'form body');
  });

  it('answers unknown routes and methods with a 404 problem', async () => {
    expectProblem(await server.api('GET', '/v2/nope'), 'unknown route');
    expectProblem(await server.api('DELETE', '/v2/api-keys/QXBpS2V5OjE%3D'), 'no DELETE on keys');
  });
});
