import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, type IdType } from '../../src/domain/ids.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Walks every route of the OpenAPI document with malformed bodies, wrong types, unknown fields, missing fields,
 * bad ids and bad query strings, U+0000 in every string, ids past the 32-bit columns and deeply nested JSON, and
 * asserts each answer is a 4xx problem — never a 5xx, never a stack trace (issue 8 items 2 and 3).
 */
/** The parts of an OpenAPI (JSON Schema) body schema the walk reads. */
interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  then?: Schema;
  else?: Schema;
}

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  bodySchema: Schema | undefined;
  pathParams: string[];
  queryParams: string[];
  /** Required query parameters, filled with a valid value so that the bad one is the only fault. */
  requiredQuery: string;
}

let server: TestServer;
let operations: Operation[];

beforeAll(async () => {
  server = await startTestServer();
  const doc = (await server.api('GET', '/v2/openapi.json', { key: null })).body as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> }; parameters?: { in: string; name: string; required?: boolean; schema?: { anyOf?: { const?: string; enum?: string[] }[]; enum?: string[] } }[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      hasBody: op.requestBody !== undefined,
      bodySchema: op.requestBody?.content['application/json']?.schema,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
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
  it('walks exactly the /v2 endpoints docs/api.md documents: the OpenAPI document lists each of them and no other', () => {
    // A row of docs/api.md's endpoint tables opens with `METHOD · METHOD /v2/path`; the OpenAPI document itself is
    // served outside the document.
    const documented = readFileSync(join(REPO_ROOT, 'docs/api.md'), 'utf8').split('\n').flatMap((line) => {
      const row = /^\| `((?:[A-Z]+ · )*[A-Z]+) (\/v2\/[^\s?`]*)/.exec(line);
      return row && row[2] !== '/v2/openapi.json' ? row[1]!.split(' · ').map((method) => `${method} ${row[2]}`) : [];
    });
    const served = operations.map((o) => `${o.method} ${o.path}`).filter((o) => o.includes(' /v2/'));
    expect(documented.length).toBeGreaterThan(40);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
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
    // JSON sent as text/plain (fetch's default) is the same 415 as any other media type, not "body: must be object".
    for (const [path, body] of [['/v2/organizations', '{"name":"plain"}'], ['/v2/roles', '{"name":"plain","permissions":["PROJECT_READ"]}']] as const) {
      const plain = await server.api('POST', path, { body, headers: { 'content-type': 'text/plain' } });
      expectProblem(plain, `text/plain ${path}`);
      expect(plain.status).toBe(415);
      expect(plain.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('answers unknown routes and methods with a 404 problem', async () => {
    expectProblem(await server.api('GET', '/v2/nope'), 'unknown route');
    expectProblem(await server.api('DELETE', '/v2/api-keys/QXBpS2V5OjE%3D'), 'no DELETE on keys');
  });

  it('answers U+0000 in every string of every body with a 400 naming the field (issue 8 item 3)', async () => {
    let slots = 0;
    for (const op of operations.filter((o) => o.bodySchema)) {
      for (const path of stringSlots(op.bodySchema!)) {
        slots++;
        const body = withValue({}, path, 'a\u0000b');
        const res = await server.api(op.method, fill(op.path, enc(encodeId('User', 1))), { body });
        const label = `${op.method} ${op.path} ${path.join('.')}`;
        expectProblem(res, label);
        expect(res.body.detail, label).toBe(`${path.join('.')}: must not contain the NUL character (U+0000)`);
      }
    }
    expect(slots).toBeGreaterThan(30);
  });

  it('answers U+0000 in every query parameter and every path parameter with a 400 naming it (issue 8 item 3)', async () => {
    for (const op of operations) {
      for (const name of op.queryParams) {
        const res = await server.api(op.method, `${fill(op.path, enc(encodeId('User', 1)))}?${requiredExcept(op, name)}${name}=a%00b`,
          // Fastify validates the body before the query: a valid body lets the query's NUL be the first fault.
          op.bodySchema ? { body: example(op.bodySchema, '') } : {});
        expectProblem(res, `${op.method} ${op.path}?${name}`);
        expect(res.body.detail, `${op.method} ${op.path}?${name}`).toMatch(new RegExp(`^${name}: .*U\\+0000`));
      }
      if (op.pathParams.length === 0) continue;
      const res = await server.api(op.method, fill(op.path, 'VXNlcjox%00'), op.hasBody ? { body: {} } : {});
      expectProblem(res, `${op.method} ${op.path} NUL id`);
      expect(res.body.detail, `${op.method} ${op.path} NUL id`).toMatch(new RegExp(`^(${op.pathParams.join('|')}): .*U\\+0000`));
    }
  });

  it('answers ids past 2^31 of the right type in every id slot with a 400, never a database error (issue 8 item 3)', async () => {
    const huge = (type: IdType) => encodeId(type, 2 ** 31);
    // Real resources, so that the other ids of a request exist and the out-of-range one is what is judged.
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'id range' } })).body.id as string;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'id range', organization_id: org } })).body.id as string;
    const project = (await server.api('POST', '/v2/projects', { body: { name: 'id range', space_id: space } })).body.id as string;
    const role = (await server.api('POST', '/v2/roles', { body: { name: 'id range', permissions: ['SPACE_READ'] } })).body.id as string;
    const me = (await server.api('GET', '/v2/me')).body.id as string;
    const binding = (await server.api('POST', '/v2/role-bindings', { body: { user_id: me, role_id: role, resource_type: 'SPACE', resource_id: space } })).body.id as string;
    const key = (await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'id range' } })).body.id as string;
    realIds = { User: me, Organization: org, Space: space, Project: project, Role: role, RoleBinding: binding, ApiKey: key };
    let slots = 0;
    for (const op of operations) {
      const body = op.bodySchema ? example(op.bodySchema, '') : undefined;
      const valid = fillEach(op.path, (name) => realId(idTypesOf(name, op.path)[0]!));
      // Path ids, one at a time, the others and the body well-formed.
      for (const param of op.pathParams.filter((name) => ID_TYPES[name])) {
        for (const type of idTypesOf(param, op.path)) {
          slots++;
          const path = fillEach(op.path, (name) => (name === param ? huge(type) : realId(idTypesOf(name, op.path)[0]!)));
          const res = await server.api(op.method, path, body === undefined ? {} : { body });
          expectProblem(res, `${op.method} ${op.path} ${param}=${type}:2^31`);
          expect(res.body.code, `${op.method} ${op.path} ${param}: ${JSON.stringify(res.body)}`).toBe('INVALID_ID');
        }
      }
      // Body ids, one at a time.
      for (const slot of op.bodySchema ? idSlots(op.bodySchema) : []) {
        for (const type of idTypesOf(slot[slot.length - 1] as string, op.path)) {
          slots++;
          const res = await server.api(op.method, valid, { body: withValue(body, slot, huge(type)) });
          const label = `${op.method} ${op.path} body ${slot.join('.')}=${type}:2^31`;
          expectProblem(res, label);
          expect(res.body.code, `${label}: ${JSON.stringify(res.body)}`).toBe('INVALID_ID');
        }
      }
      // Query ids.
      for (const name of op.queryParams.filter((q) => ID_TYPES[q])) {
        for (const type of idTypesOf(name, op.path)) {
          slots++;
          const res = await server.api(op.method, `${valid}?${requiredExcept(op, name)}${name}=${enc(huge(type))}`);
          const label = `${op.method} ${op.path}?${name}=${type}:2^31`;
          expectProblem(res, label);
          expect(res.body.code, `${label}: ${JSON.stringify(res.body)}`).toBe('INVALID_ID');
        }
      }
    }
    expect(slots).toBeGreaterThan(40);
  });

  it('answers deeply nested JSON on every route with a 4xx problem, never parsing it (issue 8 item 2)', async () => {
    const deep = '['.repeat(33) + ']'.repeat(33);
    const huge = '['.repeat(400_000) + ']'.repeat(400_000);
    for (const op of operations.filter((o) => o.method !== 'GET')) {
      for (const body of [deep, `{"name":${deep}}`, huge]) {
        const res = await server.api(op.method, fill(op.path, enc(encodeId('User', 1))), { body, key: op.path.startsWith('/auth/') ? null : undefined });
        const label = `${op.method} ${op.path} ${body.length} bytes`;
        expectProblem(res, label);
        const expected = !op.hasBody ? 'BAD_REQUEST' : body === huge && op.path.startsWith('/auth/') ? 'BODY_TOO_LARGE' : 'INVALID_JSON';
        expect(res.body.code, `${label}: ${JSON.stringify(res.body)}`).toBe(expected);
      }
    }
  });
});

const enc = encodeURIComponent;

/** The resource types an id parameter or field takes, by its name (resource ids: both types a route may take). */
const ID_TYPES: Record<string, IdType[]> = {
  user_id: ['User'], org_id: ['Organization'], organization_id: ['Organization'], space_id: ['Space'],
  project_id: ['Project'], role_id: ['Role'], binding_id: ['RoleBinding'], api_key_id: ['ApiKey'], resource_id: ['Space', 'Project'],
};

/** The route's required query parameters but `name`, which the caller sets. */
function requiredExcept(op: Operation, name: string): string {
  return op.requiredQuery.split('&').filter((pair) => pair && !pair.startsWith(`${name}=`)).map((pair) => `${pair}&`).join('');
}

/** Ids of resources the id-range walk created; type → id. */
let realIds: Partial<Record<IdType, string>> = {};

function realId(type: IdType): string {
  return realIds[type] ?? encodeId(type, 1);
}

function idTypesOf(name: string, path: string): IdType[] {
  if (name === 'resource_id' && path.includes('resource-restrictions')) return ['Project'];
  return ID_TYPES[name] ?? ['User'];
}

function fillEach(path: string, value: (name: string) => string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => enc(value(name)));
}

/** A body the schema accepts: every field (so a PATCH changes something), first alternative of each choice, ids of the right type. */
function example(schema: Schema, name: string): unknown {
  if (schema.then) return example(schema.then, name);
  if (schema.anyOf) return example(schema.anyOf[0]!, name);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, child]) => [key, example(child, key)]));
    case 'array': return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => example(schema.items!, name));
    case 'integer': case 'number': return schema.minimum ?? 1;
    case 'boolean': return false;
    default:
      if (ID_TYPES[name]) return realId(ID_TYPES[name]![0]!);
      if (name === 'permission' || name === 'permissions') return 'SPACE_READ';
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'date-time') return '2099-01-01T00:00:00Z';
      return 'Tr0ub4dor&3-horse-battery'.padEnd(schema.minLength ?? 1, 'x');
  }
}

/** Paths (property names, 0 for array items) of every string in any alternative of the schema. */
function stringSlots(schema: Schema, path: (string | number)[] = []): (string | number)[][] {
  const branches = [...(schema.anyOf ?? []), ...(schema.then ? [schema.then] : []), ...(schema.else ? [schema.else] : [])];
  const slots = branches.flatMap((b) => stringSlots(b, path));
  if (schema.type === 'string') slots.push(path);
  if (schema.type === 'array' && schema.items) slots.push(...stringSlots(schema.items, [...path, 0]));
  for (const [key, child] of Object.entries(schema.properties ?? {})) slots.push(...stringSlots(child, [...path, key]));
  const seen = new Set<string>();
  return slots.filter((s) => !seen.has(s.join('.')) && seen.add(s.join('.')));
}

/** Paths of the id fields in the body `example` builds. */
function idSlots(schema: Schema, path: (string | number)[] = []): (string | number)[][] {
  if (schema.then) return idSlots(schema.then, path);
  if (schema.anyOf) return idSlots(schema.anyOf[0]!, path);
  if (schema.type === 'array' && schema.items) return idSlots(schema.items, [...path, 0]);
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    child.type === 'string' && ID_TYPES[key] ? [[...path, key]] : idSlots(child, [...path, key]));
}

/** A copy of `value` with `path` set to `leaf`, creating objects and arrays on the way. */
function withValue(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  const container = (typeof head === 'number' ? [...((value as unknown[]) ?? [])] : { ...((value as object) ?? {}) }) as Record<string | number, unknown>;
  container[head!] = withValue(container[head!], rest, leaf);
  return container;
}
