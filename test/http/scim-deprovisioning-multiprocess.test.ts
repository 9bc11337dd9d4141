import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { testBackend } from '../helpers/database.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { patchOp, SCIM_USER } from '../helpers/scim.js';
import { msUntilRefused, type ProcessPair, type ServerProcess, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 12's end-to-end deprovisioning (identity.md §5.5, §8; conformance row M3): a person with a console session,
 * a USER key, a SERVICE key it created and grants its SSO sign-in gave is deactivated by its directory through SCIM
 * on process A. Process B, which has already accepted every one of those credentials (so only the change feed can
 * explain a prompt refusal), refuses the session and the USER key within a second; the SERVICE key keeps working,
 * and the SSO-given grants are gone.
 */
const ADMIN_KEY = `ak-scim-mp-admin-${Math.random().toString(36).slice(2)}`;
const PUBLIC_URL = 'http://scim-lb.test';
const DEADLINE_MS = 1000;
const DOMAIN = 'mp-scim.test';

async function api(url: string, method: string, path: string, options: { key?: string; cookie?: string; body?: unknown; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(testBackend !== 'postgres')(
  'SCIM deactivation seen by a second server process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    let a: ServerProcess;
    let b: ServerProcess;
    let idp: SamlTestIdp;
    let idpId: string;
    let orgId: string;
    let spaceId: string;
    let scimToken: string;

    beforeAll(async () => {
      pair = await startProcessPair({ adminKey: ADMIN_KEY, publicUrl: PUBLIC_URL });
      ({ a, b } = pair);
      idp = await SamlTestIdp.create();
      orgId = (await api(a.url, 'POST', '/v2/organizations', { key: ADMIN_KEY, body: { name: 'mp-scim-org' } })).body.id;
      spaceId = (await api(a.url, 'POST', '/v2/spaces', { key: ADMIN_KEY, body: { name: 'mp-scim-space', organization_id: orgId } })).body.id;
      const roles = (await api(a.url, 'GET', '/v2/roles?is_predefined=true&limit=100', { key: ADMIN_KEY })).body.roles as { id: string; name: string }[];
      const member = roles.find((r) => r.name === 'Member')!.id;
      const created = await api(a.url, 'POST', '/v2/saml-identity-providers', {
        key: ADMIN_KEY,
        body: {
          name: 'directory', email_domains: [DOMAIN], metadata_xml: idp.metadataXml(),
          role_mappings: [{ attributes_map: { group: 'team-ml' }, org_role: { org_id: orgId, role_id: member }, space_roles: [{ space_id: spaceId, role_id: member }] }],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      idpId = created.body.id;
      const token = await api(a.url, 'POST', `/v2/saml-identity-providers/${encodeURIComponent(idpId)}/scim-tokens`, { key: ADMIN_KEY, body: { name: 'directory' } });
      expect(token.status, JSON.stringify(token.body)).toBe(201);
      scimToken = token.body.token;
    }, 90_000);

    afterAll(async () => {
      await pair?.stop();
    });

    /** Signs the person in through the IdP on A: the console session's cookie header for B, and the grants the mapping gave. */
    async function signInOnA(email: string): Promise<string> {
      const jar = new CookieJar();
      const start = await jar.fetch(`${a.url}/auth/v2/saml/login?idp_id=${encodeURIComponent(idpId)}`);
      expect(start.status, await start.clone().text()).toBe(302);
      const answer = await idp.answer(start.headers.get('location')!, { email, attributes: { group: ['team-ml'] } });
      const posted = await fetch(`${a.url}/auth/v2/saml`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(answer.form),
      });
      expect(posted.status, await posted.clone().text()).toBe(303);
      const done = await jar.fetch(`${a.url}${posted.headers.get('location')!}`, { headers: { accept: 'application/json' } });
      expect(done.status, await done.clone().text()).toBe(302);
      return jar.header(`${b.url}/v2/me`);
    }

    async function msUntilSessionRefused(cookie: string, since: number): Promise<number> {
      for (;;) {
        const { status } = await api(b.url, 'GET', '/v2/me', { cookie });
        const elapsed = performance.now() - since;
        if (status === 401) return elapsed;
        if (status !== 200) throw new Error(`GET /v2/me answered ${status} before refusing the session`);
        if (elapsed > 5000) return elapsed;
      }
    }

    it('Entra\'s Replace active "False" on A: B refuses the session and the USER key within 1 s; the SERVICE key works; SSO grants are gone', async () => {
      const email = `pat@${DOMAIN}`;
      const person = await pair.insertUserWithKey(email);
      const cookie = await signInOnA(email);
      const service = await api(a.url, 'POST', '/v2/api-keys', {
        key: person.key, body: { key_type: 'SERVICE', name: 'pipeline', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
      });
      expect(service.status, JSON.stringify(service.body)).toBe(201);
      const members = async () => JSON.stringify((await api(a.url, 'GET', `/v2/organizations/${encodeURIComponent(orgId)}/users`, { key: ADMIN_KEY })).body);
      expect(await members()).toContain(person.id);

      // B accepts everything first: its caches hold the session, the user and both keys.
      expect((await api(b.url, 'GET', '/v2/me', { cookie })).status).toBe(200);
      expect((await api(b.url, 'GET', '/v2/me', { key: person.key })).status).toBe(200);
      expect((await api(b.url, 'GET', '/v2/me', { key: service.body.key })).status).toBe(200);

      const scim = (method: string, path: string, body?: unknown) => api(a.url, method, `/scim/v2${path}`, { key: scimToken, body, contentType: 'application/scim+json' });
      const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
      expect(found.body.totalResults).toBe(1);
      const id = found.body.Resources[0].id as string;
      const off = await scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
      // The second starts when A has answered: the deactivation is committed then, and what is timed is how long B
      // takes to act on it (the PATCH's own transaction is not part of it).
      const since = performance.now();
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body).toMatchObject({ schemas: expect.arrayContaining([SCIM_USER]), active: false });

      const [keyMs, sessionMs] = await Promise.all([msUntilRefused(b.url, person.key, since), msUntilSessionRefused(cookie, since)]);
      expect(keyMs).toBeLessThan(DEADLINE_MS);
      expect(sessionMs).toBeLessThan(DEADLINE_MS);
      expect((await api(b.url, 'GET', '/v2/me', { key: service.body.key })).status).toBe(200);
      expect(await members()).not.toContain(person.id);
    });
  },
);
