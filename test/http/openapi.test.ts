import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLE_KEYS } from '../../src/domain/predefined-roles.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The OpenAPI document is what clients are generated from (issue 8, Arize fidelity): optional bodies must be
 * optional, enums must be enums, and errors must carry the content type they are sent with.
 */
/** A node of the document: arbitrary JSON, walked by key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let server: TestServer;
let doc: Json;

beforeAll(async () => {
  server = await startTestServer();
  const res = await server.api('GET', '/v2/openapi.json', { key: null });
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => server?.close());

/** Every operation of the document, as `METHOD path` with its object. */
function operations(): [string, Json][] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Json] => [`${method.toUpperCase()} ${path}`, operation as Json]));
}

/** Every schema node of the document with the path that leads to it. */
function* nodes(node: unknown, path = '#'): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* nodes(item, `${path}/${i}`);
  } else if (node !== null && typeof node === 'object') {
    yield [path, node as Json];
    for (const [key, value] of Object.entries(node)) yield* nodes(value, `${path}/${key}`);
  }
}

/** The string schemas that hold a permission name: `permission`, items of `permissions`, and `/v2/me`'s `permissions.account`. */
function permissionSchemas(): [string, Json][] {
  const found: [string, Json][] = [];
  for (const [path, node] of nodes(doc)) {
    const props = node.properties as Json | undefined;
    if (!props || node.type !== 'object') continue;
    if (props.permission) found.push([`${path}/permission`, props.permission]);
    const many = props.permissions as Json | undefined;
    if (many?.type === 'array') found.push([`${path}/permissions`, many.items]);
    if (many?.type === 'object') {
      for (const [key, list] of Object.entries(many.properties as Json)) found.push([`${path}/permissions/${key}`, list.items]);
    }
  }
  return found;
}

describe('GET /v2/openapi.json (issue 8)', () => {
  it('says the refresh body is optional (Arize\'s clients send {}, a bare POST means the same); other bodies stay required', () => {
    const refresh = doc.paths['/v2/api-keys/{api_key_id}/refresh'].post;
    expect(refresh.requestBody.required).toBe(false);
    expect(Object.keys(refresh.requestBody.content)).toEqual(['application/json']);
    expect(doc.paths['/v2/roles'].post.requestBody.required).toBe(true);
    expect(doc.paths['/v2/api-keys'].post.requestBody.required).toBe(true);
  });

  it('declares application/problem+json, and only that, for every error answer of every operation', () => {
    let errors = 0;
    for (const [name, operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400) continue;
        errors++;
        expect(Object.keys(response.content ?? {}), `${name} ${status}`).toEqual(['application/problem+json']);
        expect(response.content['application/problem+json'].schema.required, `${name} ${status}`).toEqual(['status', 'title']);
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it('lists the catalogue\'s 132 permissions as an enum wherever a permission appears, in requests and answers', () => {
    const found = permissionSchemas();
    const where = found.map(([path]) => path).join('\n');
    for (const [path, schema] of found) expect(schema.enum, path).toEqual([...PERMISSIONS]);
    expect(PERMISSIONS).toHaveLength(132);
    // Roles (list, get, create, update: bodies and answers), the access check body, principals, /v2/me.
    expect(found.length, where).toBeGreaterThanOrEqual(9);
    expect(where).toContain('/v2/roles/post/requestBody');
    expect(where).toContain('/v2/roles/{role_id}/patch/requestBody');
    expect(where).toContain('/v2/access/check/post/requestBody');
    expect(where).toContain('/v2/access/principals/get/responses');
    expect(JSON.stringify(doc)).not.toContain('x-enum-from');
  });

  it('declares the predefined role names as enums in every role assignment (account level: no READ_ONLY)', () => {
    let assignments = 0;
    for (const [path, node] of nodes(doc)) {
      const props = node.properties as Json | undefined;
      if (!props?.type?.enum || props.type.enum.join() !== 'PREDEFINED' || !props.name) continue;
      assignments++;
      expect(props.name.type, path).toBe('string');
      expect(props.name.enum, path).toEqual(expect.arrayContaining(['ADMIN', 'MEMBER', 'ANNOTATOR']));
      expect([...PREDEFINED_ROLE_KEYS], path).toEqual(expect.arrayContaining(props.name.enum));
    }
    expect(assignments).toBeGreaterThan(10);
    const user = doc.paths['/v2/users/{user_id}'].get.responses['200'].content['application/json'].schema;
    const predefined = user.properties.role.anyOf.find((v: Json) => v.properties.type.enum?.[0] === 'PREDEFINED');
    expect(predefined.properties.name.enum).toEqual(['ADMIN', 'MEMBER', 'ANNOTATOR']);
  });
});

describe('POST /v2/api-keys/{api_key_id}/refresh without a body (issue 8)', () => {
  async function refreshBare(headers: Record<string, string>) {
    const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: `bare-${Object.keys(headers).length}` } });
    expect(created.status).toBe(201);
    const res = await fetch(`${server.url}/v2/api-keys/${encodeURIComponent(created.body.id)}/refresh`, {
      method: 'POST', headers: { authorization: `Bearer ${server.adminKey}`, ...headers },
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.name).toBe(created.body.name);
    expect((await server.api('GET', '/v2/me', { key: body.key })).status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: created.body.key })).status).toBe(401);
  }

  it('works with no Content-Type', async () => {
    await refreshBare({});
  });

  it('works with Content-Type: application/json and an empty body', async () => {
    await refreshBare({ 'content-type': 'application/json', 'content-length': '0' });
  });
});
