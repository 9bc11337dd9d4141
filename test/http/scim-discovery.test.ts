import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM_ENTERPRISE_USER, SCIM_ERROR, SCIM_GROUP, SCIM_USER } from '../helpers/scim.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Issue 12, SCIM discovery (identity.md §5.2; conformance row M15): what a directory reads first, without a token. */
let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server?.close(); });

const get = (path: string) => server.api('GET', `/scim/v2${path}`, { key: null });

/** Every attribute path a schema describes, `parent.sub` for sub-attributes, lower-case. */
function attributePaths(schema: { attributes: { name: string; subAttributes?: { name: string }[] }[] }): Set<string> {
  return new Set(schema.attributes.flatMap((a) => [a.name.toLowerCase(), ...(a.subAttributes ?? []).map((s) => `${a.name}.${s.name}`.toLowerCase())]));
}

describe('SCIM discovery', () => {
  it('ServiceProviderConfig: PATCH and filters supported (200 results at most), no bulk, sort, ETags or password change; bearer token', async () => {
    const res = await get('/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false }, sort: { supported: false }, etag: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${server.url}/scim/v2/ServiceProviderConfig` },
    });
  });

  it('ResourceTypes: User with the EnterpriseUser extension (not required) and Group, each also by name', async () => {
    const res = await get('/ResourceTypes');
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(2);
    const byId = Object.fromEntries(res.body.Resources.map((r: { id: string }) => [r.id, r]));
    expect(byId.User).toMatchObject({ endpoint: '/Users', schema: SCIM_USER, schemaExtensions: [{ schema: SCIM_ENTERPRISE_USER, required: false }] });
    expect(byId.Group).toMatchObject({ endpoint: '/Groups', schema: SCIM_GROUP });
    const one = await get('/ResourceTypes/Group');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'Group', meta: { location: `${server.url}/scim/v2/ResourceTypes/Group` } });
    const missing = await get('/ResourceTypes/Printer');
    expect(missing.status).toBe(404);
    expect(missing.body.schemas).toEqual([SCIM_ERROR]);
  });

  it('M15 Schemas: User, EnterpriseUser and Group, with every attribute Entra maps by default', async () => {
    const res = await get('/Schemas');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.Resources.map((r: { id: string }) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual([SCIM_GROUP, SCIM_USER, SCIM_ENTERPRISE_USER].sort());
    const user = attributePaths(byId[SCIM_USER]);
    for (const path of ['userName', 'active', 'displayName', 'title', 'emails.value', 'emails.type', 'preferredLanguage', 'name.givenName',
      'name.familyName', 'name.formatted', 'addresses.type', 'addresses.streetAddress', 'addresses.locality', 'addresses.region',
      'addresses.postalCode', 'addresses.country', 'addresses.formatted', 'phoneNumbers.value', 'phoneNumbers.type', 'externalId']) {
      expect(user.has(path.toLowerCase()), path).toBe(true);
    }
    const enterprise = attributePaths(byId[SCIM_ENTERPRISE_USER]);
    for (const path of ['employeeNumber', 'department', 'manager', 'manager.value']) expect(enterprise.has(path.toLowerCase()), path).toBe(true);
    expect(attributePaths(byId[SCIM_GROUP]).has('members.value')).toBe(true);
    const one = await get(`/Schemas/${SCIM_ENTERPRISE_USER}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: SCIM_ENTERPRISE_USER, meta: { location: `${server.url}/scim/v2/Schemas/${SCIM_ENTERPRISE_USER}` } });
    expect((await get('/Schemas/urn:example:nothing')).status).toBe(404);
  });

  it('/Bulk, /Me and /.search are 501 as a directory sends them: with a request body too', async () => {
    const bulk = { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [SCIM_USER], userName: 'a@example.com' } }] };
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "a@example.com"' };
    const headers = { 'content-type': 'application/scim+json' };
    for (const [method, path, body] of [
      ['POST', '/Bulk', bulk], ['POST', '/.search', search], ['POST', '/Users/.search', search], ['POST', '/Groups/.search', search],
      ['PUT', '/Me', { schemas: [SCIM_USER], userName: 'a@example.com' }], ['GET', '/Me', undefined], ['POST', '/Bulk', undefined],
    ] as const) {
      const res = await server.api(method, `/scim/v2${path}`, { key: null, body, headers: body === undefined ? {} : headers });
      expect(res.status, `${method} ${path}`).toBe(501);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '501' });
    }
  });

  it('a path /scim/v2 does not serve is 404 in SCIM\'s error form, with a request body too', async () => {
    const headers = { 'content-type': 'application/scim+json' };
    for (const [method, path, body] of [
      ['GET', '/Nothing', undefined], ['POST', '/Nothing', { schemas: [SCIM_USER], userName: 'a@example.com' }],
      ['POST', '/Users/VXNlcjox', { schemas: [SCIM_USER], userName: 'a@example.com' }], ['PATCH', '/Groups', { schemas: [SCIM_GROUP], displayName: 'g' }],
    ] as const) {
      const res = await server.api(method, `/scim/v2${path}`, { key: null, body, headers: body === undefined ? {} : headers });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    }
  });

  it('the rest of /scim/v2 still needs a token', async () => {
    const res = await get('/Users');
    expect(res.status).toBe(401);
    expect(res.body.schemas).toEqual([SCIM_ERROR]);
  });
});
