import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { testBackend } from '../helpers/database.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { type ProcessPair, type ServerProcess, startProcessPair } from '../helpers/server-process.js';

/**
 * SSO state lives in the database, so any process may finish any login and none may finish one twice (identity.md
 * §8): two server processes on one PostgreSQL database behind one public URL, as behind a load balancer.
 */
const ADMIN_KEY = `ak-sso-mp-admin-${Math.random().toString(36).slice(2)}`;
/** What browsers and the IdP use: the EntityID, the audience and the ACS of both processes. */
const PUBLIC_URL = 'http://sso-lb.test';

describe.skipIf(testBackend !== 'postgres')(
  'SSO across two server processes on one PostgreSQL database (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    let a: ServerProcess;
    let b: ServerProcess;
    let idp: SamlTestIdp;
    let idpId: string;

    const acs = (server: ServerProcess, form: { SAMLResponse: string; RelayState?: string }) => fetch(`${server.url}/auth/v2/saml`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form),
    });

    /** A login started on A, answered by the IdP (the form not posted yet). */
    async function answeredOnA() {
      const jar = new CookieJar();
      const start = await jar.fetch(`${a.url}/auth/v2/saml/login?idp_id=${encodeURIComponent(idpId)}`);
      expect(start.status, await start.clone().text()).toBe(302);
      const answer = await idp.answer(start.headers.get('location')!, { email: `u${randomBytes(3).toString('hex')}@example.test`, attributes: { group: ['team-ml'] } });
      expect(answer.acsUrl).toBe(`${PUBLIC_URL}/auth/v2/saml`);
      return { jar, answer };
    }

    async function userCount(): Promise<number> {
      const res = await fetch(`${a.url}/v2/users?limit=100`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return ((await res.json()).users as unknown[]).length;
    }

    beforeAll(async () => {
      pair = await startProcessPair({ adminKey: ADMIN_KEY, publicUrl: PUBLIC_URL });
      ({ a, b } = pair);
      idp = await SamlTestIdp.create();
      const created = await fetch(`${a.url}/v2/saml-identity-providers`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'samlify', email_domains: ['example.test'], metadata_xml: idp.metadataXml(), role_mappings: [{ attributes_map: { group: 'team-ml' }, is_account_admin: true }] }),
      });
      const body = await created.json();
      expect(created.status, JSON.stringify(body)).toBe(201);
      idpId = body.id;
    }, 90_000);

    afterAll(async () => {
      await pair?.stop();
    });

    it('publishes one SP key pair from both processes, and a provider created on A routes on B', async () => {
      const [ma, mb] = await Promise.all([a, b].map(async (s) => (await fetch(`${s.url}/auth/v2/saml/metadata`)).text()));
      expect(ma).toBe(mb);
      const routed = await fetch(`${b.url}/auth/sso/discover`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.test' }) });
      expect((await routed.json()).sso).toBe(true);
    });

    it('a login started on A is finished on B; the response consumed there is SAML_REPLAYED on A', async () => {
      const { jar, answer } = await answeredOnA();
      const onB = await acs(b, answer.form);
      expect(onB.status, await onB.clone().text()).toBe(303);
      const again = await acs(a, answer.form);
      expect(again.status).toBe(401);
      expect((await again.json()).code).toBe('SAML_REPLAYED');
      const done = await jar.fetch(`${a.url}${onB.headers.get('location')!}`, { headers: { accept: 'application/json' } });
      expect(done.status, await done.clone().text()).toBe(302);
      expect(jar.get('ax_session')).toBeTruthy();
    });

    it('one response posted to both processes at the same instant logs in once', async () => {
      const before = await userCount();
      const { jar, answer } = await answeredOnA();
      const answers = await Promise.all([acs(a, answer.form), acs(b, answer.form)]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([303, 401]);
      const loser = answers.find((r) => r.status === 401)!;
      expect((await loser.json()).code).toBe('SAML_REPLAYED');
      const winner = answers.find((r) => r.status === 303)!;
      const completion = winner.headers.get('location')!;
      const [first, second] = await Promise.all([
        jar.fetch(`${a.url}${completion}`, { headers: { accept: 'application/json' } }),
        jar.fetch(`${b.url}${completion}`, { headers: { accept: 'application/json' } }),
      ]);
      expect([first.status, second.status].sort()).toEqual([302, 400]);
      expect(await userCount()).toBe(before + 1);
    });
  },
);
