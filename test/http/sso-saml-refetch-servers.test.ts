import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { generateTestKeyPair, SamlTestIdp } from '../helpers/saml-idp.js';
import { predefinedRoleId } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The back-off of the metadata refetch after a SAML signature failure (at most once a minute per provider) is the
 * server's own: two servers in one process, each on its own database, have providers with the same row id, and one
 * server's refetch must not make the other refuse a rolled-over certificate for a minute.
 */
let servers: TestServer[] = [];
let metadataServer: Server;
let served = '';
let fetches = 0;
let before: SamlTestIdp;
let after: SamlTestIdp;

beforeAll(async () => {
  const [oldKey, newKey] = await Promise.all([generateTestKeyPair('before'), generateTestKeyPair('after')]);
  before = await SamlTestIdp.create({ key: oldKey });
  after = await SamlTestIdp.create({ entityId: before.entityId, ssoUrl: before.ssoUrl, key: newKey });
  metadataServer = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/xml' }).end(served);
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  const env = { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' };
  servers = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
});

afterAll(async () => {
  await new Promise((resolve) => metadataServer?.close(resolve));
  await Promise.all(servers.map((s) => s.close()));
});

/** A provider whose metadata comes from the metadata server (the old certificate, when it is created). */
async function rollingProvider(server: TestServer): Promise<string> {
  const orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'rolling-org' } })).body.id;
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: 'rolling', email_domains: ['rollover.test'], metadata_url: `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata`,
      role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') } }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

/** A login at `server` answered by `idp`: the ACS's status. */
async function signIn(server: TestServer, providerId: string, idp: SamlTestIdp): Promise<number> {
  const jar = new CookieJar();
  const start = await jar.fetch(`${server.url}/auth/v2/saml/login?idp_id=${encodeURIComponent(providerId)}`);
  expect(start.status).toBe(302);
  const { form } = await idp.answer(start.headers.get('location')!, { email: 'rolf@rollover.test' });
  const acs = await fetch(`${server.url}/auth/v2/saml`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  return acs.status;
}

describe('the refetch after a signature failure backs off per server', () => {
  it('one server refetching a provider\'s metadata does not stop another from refetching its provider of the same id', async () => {
    served = before.metadataXml();
    const [first, second] = [await rollingProvider(servers[0]!), await rollingProvider(servers[1]!)];
    // Two fresh databases: the same row id, hence the same id on the wire.
    expect(first).toBe(second);
    expect(fetches).toBe(2);

    served = after.metadataXml();
    expect(await signIn(servers[0]!, first, after)).toBe(303);
    expect(fetches).toBe(3);
    expect(await signIn(servers[1]!, second, after)).toBe(303);
    expect(fetches).toBe(4);

    // Each server still backs off on its own: another bad signature within the minute fetches nothing.
    for (const server of servers) expect(await signIn(server, first, before)).toBe(401);
    expect(fetches).toBe(4);
  });
});
