import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredLoginState } from '../../src/services/sso/login-completion.js';
import { CookieJar } from '../helpers/cookie-jar.js';
import { createSecondAccount } from '../helpers/fixtures.js';
import {
  duplicateAssertion, generateTestKeyPair, insertCommentInNameId, type LoginResponseOptions, NAMEID_FORMAT, SamlTestIdp,
  tamperAttributeValue, type TestKeyPair, wrapInEncryptedAssertion, wrapSignature, XSW_VARIANTS,
} from '../helpers/saml-idp.js';
import { loginRowCounts, predefinedRoleId } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * SAML sign-in over HTTP (identity.md §2.1–§2.3, §2.10, §12.1) with samlify as the IdP: the browser part is a cookie
 * jar and fetch without redirects, so each hop is seen. Every refusal at the ACS is checked with its code and with no
 * row of any table a login writes changed.
 */
let server: TestServer;
let idp: SamlTestIdp;
let idpId: string;
let orgId: string;
let spaceId: string;
let customRoleId: string;
/** A second key pair: an intruder's signing key, and another account's IdP. */
let otherKey: TestKeyPair;
/** An IdP given by metadata_url, and how often its metadata was fetched. */
let metadataServer: Server | undefined;
let metadataFetches = 0;
let rollingIdpId: string;

const enc = encodeURIComponent;
const JSON_ACCEPT = { accept: 'application/json' };



/** Opens the login in a browser: the 302 to the IdP with the AuthnRequest. */
async function startLogin(jar: CookieJar, query = `idp_id=${enc(idpId)}`): Promise<string> {
  const res = await jar.fetch(`${server.url}/auth/v2/saml/login?${query}`);
  expect(res.status, await res.clone().text()).toBe(302);
  return res.headers.get('location')!;
}

/** Posts a SAMLResponse to the ACS as the IdP's auto-submitted form (the cross-site POST carries no Lax cookie). */
async function postToAcs(form: { SAMLResponse: string; RelayState?: string }): Promise<Response> {
  return fetch(`${server.url}/auth/v2/saml`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...JSON_ACCEPT }, body: new URLSearchParams(form),
  });
}

async function expectCode(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text).code, text).toBe(code);
}

/** A fresh login attempt answered by the IdP with `options`; the form is not posted yet. */
async function answered(options: Partial<Omit<LoginResponseOptions, 'inResponseTo'>> & { inResponseTo?: string | null; spEntityId?: string; acsUrl?: string }) {
  const jar = new CookieJar();
  const location = await startLogin(jar);
  const answer = await idp.answer(location, { email: 'alice@example.test', name: 'Alice A', attributes: { group: ['team-ml'] }, ...options });
  return { jar, answer };
}

beforeAll(async () => {
  [server, idp, otherKey] = await Promise.all([
    startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '1000', AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } }),
    SamlTestIdp.create(), generateTestKeyPair('other'),
  ]);
  orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'ML' } })).body.id;
  spaceId = (await server.api('POST', '/v2/spaces', { body: { name: 'models', organization_id: orgId } })).body.id;
  customRoleId = (await server.api('POST', '/v2/roles', { body: { name: 'ml-engineer', permissions: ['SPACE_READ'] } })).body.id;
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: 'samlify', email_domains: ['example.test'], metadata_xml: idp.metadataXml(),
      role_mappings: [{ attributes_map: { group: 'team-ml' }, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') }, space_roles: [{ space_id: spaceId, role_id: customRoleId }] }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  idpId = created.body.id;
});

afterAll(async () => {
  if (metadataServer) await new Promise((resolve) => metadataServer!.close(resolve));
  await server?.close();
});

describe('the service provider (identity.md §2.1)', () => {
  it('publishes its metadata: EntityID = the public URL, signed assertions wanted, the signing certificate, emailAddress, the ACS', async () => {
    const res = await fetch(`${server.url}/auth/v2/saml/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/xml/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${server.url}"`);
    expect(xml).toMatch(/WantAssertionsSigned="true"/);
    expect(xml).toMatch(/AuthnRequestsSigned="false"/);
    expect(xml).toMatch(/KeyDescriptor[^>]*use="signing"/);
    expect(xml).toContain(NAMEID_FORMAT.emailAddress);
    expect(xml).toContain(`Location="${server.url}/auth/v2/saml"`);
    // One key pair for the deployment: the same certificate every time.
    expect(await (await fetch(`${server.url}/auth/v2/saml/metadata`)).text()).toBe(xml);
  });

  it('sends an AuthnRequest as §2.2 says: its ID, Destination, ACS, Issuer, NameIDPolicy emailAddress, no RequestedAuthnContext', async () => {
    const jar = new CookieJar();
    const res = await jar.fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(idpId)}&return_to=/spaces`);
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ax_sso='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth/);
    const request = await idp.readAuthnRequest(res.headers.get('location')!);
    expect(request.id).toMatch(/^[_A-Za-z]/);
    expect(request.destination).toBe(idp.ssoUrl);
    expect(request.acsUrl).toBe(`${server.url}/auth/v2/saml`);
    expect(request.issuer).toBe(server.url);
    expect(request.nameIdFormat).toBe(NAMEID_FORMAT.emailAddress);
    expect(request.allowCreate).toBe('true');
    expect(request.hasRequestedAuthnContext).toBe(false);
    expect(request.relayState).toBeTruthy();
    expect(request.signed).toBe(false);
  });

  it('signs AuthnRequests for a provider with sign_authn, and says so in ?idp_id= metadata', async () => {
    const patched = await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { sign_authn: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      const metadata = await (await fetch(`${server.url}/auth/v2/saml/metadata?idp_id=${enc(idpId)}`)).text();
      expect(metadata).toMatch(/AuthnRequestsSigned="true"/);
      const location = await startLogin(new CookieJar());
      // samlify verifies the signature against the SP metadata (and throws on a bad one).
      const request = await idp.readAuthnRequest(location, { spMetadataXml: metadata });
      expect(request.signed).toBe(true);
      expect(new URL(location).searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    } finally {
      await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { sign_authn: false } });
    }
  });
});

describe('SP-initiated sign-in (identity.md §2.2, §2.3)', () => {
  it('carries the AuthnRequest in an auto-posting page to an IdP that offers only HTTP-POST (its script allowed by hash)', async () => {
    const postOnly = await SamlTestIdp.create({ key: idp.key });
    const created = await server.api('POST', '/v2/saml-identity-providers', {
      body: { name: 'post only', email_domains: ['post-only.test'], metadata_xml: postOnly.metadataXml({ bindings: ['post'] }),
        role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') } }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const jar = new CookieJar();
    const res = await jar.fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(created.body.id)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    expect(jar.get('ax_sso')).toBeTruthy();
    const page = await res.text();
    expect(page).toContain(`action="${postOnly.ssoUrl}"`);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1];
    const request = await postOnly.readAuthnRequest({ SAMLRequest: field('SAMLRequest')!, RelayState: field('RelayState')! });
    expect(request.acsUrl).toBe(`${server.url}/auth/v2/saml`);
    const answer = await postOnly.answer({ SAMLRequest: field('SAMLRequest')!, RelayState: field('RelayState')! }, { email: 'pat@post-only.test' });
    const acs = await postToAcs(answer.form);
    expect(acs.status, await acs.clone().text()).toBe(303);
    expect((await jar.fetch(new URL(acs.headers.get('location')!, server.url))).status).toBe(302);
    expect(jar.get('ax_session')).toBeTruthy();
  });

  it('ends in a console session for a new person, with the mapped grants visible through /v2', async () => {
    const jar = new CookieJar();
    const location = await startLogin(jar, `email=alice@example.test&return_to=${enc('/spaces?x=1')}`);
    const answer = await idp.answer(location, { email: 'Alice@Example.test', name: 'Alice A', attributes: { group: ['team-ml', 'other'] } });
    const acs = await postToAcs(answer.form);
    expect(acs.status, await acs.clone().text()).toBe(303);
    const completion = new URL(acs.headers.get('location')!, server.url);
    expect(completion.pathname).toBe('/auth/sso/complete');
    const done = await jar.fetch(completion);
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get('location')).toBe('/spaces?x=1');
    const session = done.headers.getSetCookie().find((c) => c.startsWith('ax_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(jar.get('ax_sso')).toBeUndefined();

    const me = await server.api('GET', '/v2/me', { key: null, headers: { cookie: jar.header(`${server.url}/v2/me`) } });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('alice@example.test');
    expect(me.body.name).toBe('Alice A');
    const bindings = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(me.body.id)}`);
    expect(bindings.body.role_bindings.map((b: { role_id: string; resource_id: string }) => [b.role_id, b.resource_id])).toEqual([[customRoleId, spaceId]]);
    const members = await server.api('GET', `/v2/organizations/${enc(orgId)}/users`);
    expect(JSON.stringify(members.body)).toContain(me.body.id);

    // The completion link again, even in the same browser: used once.
    await expectCode(await jar.fetch(completion, { headers: JSON_ACCEPT }), 400, 'SSO_LOGIN_EXPIRED');
    // The same response again: replayed.
    await expectCode(await postToAcs(answer.form), 401, 'SAML_REPLAYED');
  });

  it('refuses the completion in another browser (no ax_sso): 400 SSO_LOGIN_EXPIRED, nothing created', async () => {
    const before = await loginRowCounts(server);
    const { answer } = await answered({ email: 'bob@example.test' });
    const acs = await postToAcs(answer.form);
    expect(acs.status).toBe(303);
    const completion = new URL(acs.headers.get('location')!, server.url);
    await expectCode(await new CookieJar().fetch(completion, { headers: JSON_ACCEPT }), 400, 'SSO_LOGIN_EXPIRED');
    const foreign = new CookieJar();
    await startLogin(foreign);
    await expectCode(await foreign.fetch(completion, { headers: JSON_ACCEPT }), 400, 'SSO_LOGIN_EXPIRED');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('shows a browser the error page with the code, the how-to-fix sentence and the request id', async () => {
    const res = await fetch(`${server.url}/auth/v2/saml`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      body: new URLSearchParams({ SAMLResponse: '%%%not base64' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('SAML_RESPONSE_MALFORMED');
    expect(page).toContain('Post one base64 SAMLResponse');
    expect(page).toContain(res.headers.get('x-request-id')!);
  });
});

describe('refusals at the ACS (identity.md §2.10): each with its code, audited, nothing written', () => {
  const cases: [string, () => Promise<{ SAMLResponse: string; RelayState?: string }>, number, string][] = [
    ['an unsigned assertion', async () => (await answered({ signAssertion: false })).answer.form, 401, 'SAML_SIGNATURE_INVALID'],
    ['a signature by a key the metadata does not have', async () => (await answered({ signingKey: otherKey })).answer.form, 401, 'SAML_SIGNATURE_INVALID'],
    ['a tampered attribute value', async () => {
      const { answer } = await answered({ attributes: { group: ['team-ml'] } });
      return { ...answer.form, SAMLResponse: tamperAttributeValue(answer.form.SAMLResponse, 'team-ml', 'ax-admins') };
    }, 401, 'SAML_SIGNATURE_INVALID'],
    ['an RSA-SHA1 signature', async () => (await answered({ signatureAlgorithm: 'sha1' })).answer.form, 401, 'SAML_SIGNATURE_INVALID'],
    ['a NameID split by an XML comment', async () => {
      const { answer } = await answered({});
      return { ...answer.form, SAMLResponse: insertCommentInNameId(answer.form.SAMLResponse) };
    }, 401, 'SAML_SIGNATURE_INVALID'],
    ['NotOnOrAfter passed', async () => (await answered({
      issueInstant: new Date(Date.now() - 4 * 60_000), notOnOrAfter: new Date(Date.now() - 2 * 60_000),
    })).answer.form, 401, 'SAML_EXPIRED'],
    ['NotBefore in the future', async () => (await answered({ notBefore: new Date(Date.now() + 5 * 60_000), notOnOrAfter: new Date(Date.now() + 10 * 60_000) })).answer.form, 401, 'SAML_EXPIRED'],
    ['a wrong Destination', async () => (await answered({ destination: 'https://elsewhere.test/acs' })).answer.form, 401, 'SAML_DESTINATION_MISMATCH'],
    ['a wrong Recipient', async () => (await answered({ recipient: 'https://elsewhere.test/acs' })).answer.form, 401, 'SAML_DESTINATION_MISMATCH'],
    ['a wrong audience', async () => (await answered({ audience: 'https://another-sp.test' })).answer.form, 401, 'SAML_AUDIENCE_MISMATCH'],
    ['a response for another SP', async () => (await answered({ spEntityId: 'https://another-sp.test' })).answer.form, 401, 'SAML_AUDIENCE_MISMATCH'],
    ['a wrong Issuer', async () => (await answered({ issuer: 'https://impostor.test' })).answer.form, 401, 'SAML_ISSUER_MISMATCH'],
    ['IdP status AuthnFailed', async () => (await answered({ status: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed' })).answer.form, 401, 'SAML_IDP_STATUS'],
    ['a NameID that is not an email', async () => (await answered({ nameId: 'alice', nameIdFormat: NAMEID_FORMAT.unspecified })).answer.form, 400, 'SAML_NAMEID_INVALID'],
    ['an email outside the provider\'s domains', async () => (await answered({ email: 'mallory@elsewhere.test' })).answer.form, 403, 'SSO_EMAIL_DOMAIN_MISMATCH'],
    ['an encrypted assertion', async () => {
      const { answer } = await answered({});
      return { ...answer.form, SAMLResponse: wrapInEncryptedAssertion(answer.form.SAMLResponse) };
    }, 400, 'SAML_RESPONSE_MALFORMED'],
    ['two assertions', async () => {
      const { answer } = await answered({});
      return { ...answer.form, SAMLResponse: duplicateAssertion(answer.form.SAMLResponse) };
    }, 400, 'SAML_RESPONSE_MALFORMED'],
    ['not base64', async () => ({ SAMLResponse: '***' }), 400, 'SAML_RESPONSE_MALFORMED'],
    ['base64 of not XML', async () => ({ SAMLResponse: Buffer.from('hello').toString('base64') }), 400, 'SAML_RESPONSE_MALFORMED'],
    ['an unknown InResponseTo', async () => (await answered({ inResponseTo: '_not-a-request-of-ours' })).answer.form, 401, 'SAML_REPLAYED'],
    ['no InResponseTo while IdP-initiated login is off', async () => (await answered({ inResponseTo: null })).answer.form, 401, 'SAML_UNSOLICITED'],
    ['no InResponseTo from an issuer no provider has', async () => (await answered({ inResponseTo: null, issuer: 'https://unknown-idp.test' })).answer.form, 401, 'SAML_ISSUER_MISMATCH'],
    // XSW3 and XSW5 leave two Assertions side by side in the Response: refused at the form check, before any signature.
    ...XSW_VARIANTS.map((variant): [string, () => Promise<{ SAMLResponse: string }>, number, string] => [`signature wrapping ${variant}`, async () => {
      const { answer } = await answered({ signResponse: variant === 'XSW1' || variant === 'XSW2', email: 'alice@example.test' });
      return { ...answer.form, SAMLResponse: wrapSignature(answer.form.SAMLResponse, variant, { email: 'admin@example.test', attributes: { group: ['ax-admins'] } }) };
    }, ...(variant === 'XSW3' || variant === 'XSW5' ? [400, 'SAML_RESPONSE_MALFORMED'] as const : [401, 'SAML_SIGNATURE_INVALID'] as const)]),
  ];

  it.each(cases)('%s', async (_label, form, status, code) => {
    const before = await loginRowCounts(server);
    await expectCode(await postToAcs(await form()), status, code);
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('refuses a body that is not a form (400 SAML_RESPONSE_MALFORMED) and records each refusal as a failed authentication', async () => {
    const res = await fetch(`${server.url}/auth/v2/saml`, { method: 'POST', headers: { 'content-type': 'application/json', ...JSON_ACCEPT }, body: '{"SAMLResponse":"x"}' });
    await expectCode(res, 400, 'SAML_RESPONSE_MALFORMED');
    const failures = await server.api('GET', '/v2/audit-logs/authentication-failures?limit=100');
    const reasons = (failures.body.failures as { reason: string; operation: string }[]).filter((f) => f.operation === 'POST /auth/v2/saml').map((f) => f.reason);
    expect(reasons).toEqual(expect.arrayContaining(['SAML_SIGNATURE_INVALID', 'SAML_EXPIRED', 'SAML_AUDIENCE_MISMATCH', 'SSO_EMAIL_DOMAIN_MISMATCH']));
    expect(JSON.stringify(failures.body)).not.toMatch(/PHN|SAMLResponse/);
  });
});

describe('metadata from a URL (identity.md §2.3 step 4, §2.7)', () => {
  it('survives a certificate rollover: a signature failure fetches the metadata again (at most once a minute) and validates with the new certificate', async () => {
    const before = await SamlTestIdp.create({ key: idp.key });
    const after = await SamlTestIdp.create({ entityId: before.entityId, ssoUrl: before.ssoUrl, key: otherKey });
    let served = before.metadataXml();
    metadataServer = createServer((_req, res) => {
      metadataFetches++;
      res.writeHead(200, { 'content-type': 'application/xml' }).end(served);
    });
    await new Promise<void>((resolve) => metadataServer!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata`;
    const created = await server.api('POST', '/v2/saml-identity-providers', {
      body: { name: 'rolling', email_domains: ['rollover.test'], metadata_url: url,
        role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') } }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    rollingIdpId = created.body.id;
    expect(metadataFetches).toBe(1);
    served = after.metadataXml();
    const jar = new CookieJar();
    const answer = await after.answer(await startLogin(jar, `idp_id=${enc(rollingIdpId)}`), { email: 'rolf@rollover.test' });
    const acs = await postToAcs(answer.form);
    expect(acs.status, await acs.clone().text()).toBe(303);
    expect(metadataFetches).toBe(2);
    const done = await jar.fetch(new URL(acs.headers.get('location')!, server.url), { headers: JSON_ACCEPT });
    expect(done.status, await done.clone().text()).toBe(302);
    const stored = await server.api('GET', `/v2/saml-identity-providers/${enc(rollingIdpId)}`);
    expect(stored.body.idp_certificates).toHaveLength(1);
    expect(stored.body.idp_certificates[0].sha256_fingerprint).not.toBe(created.body.idp_certificates[0].sha256_fingerprint);

    // Another bad signature within the minute: no second fetch, the refusal stands.
    const stale = await before.answer(await startLogin(new CookieJar(), `idp_id=${enc(rollingIdpId)}`), { email: 'rolf@rollover.test' });
    await expectCode(await postToAcs(stale.form), 401, 'SAML_SIGNATURE_INVALID');
    expect(metadataFetches).toBe(2);
  });
});

describe('Entra ID group overage (identity.md §4.1, §3.2)', () => {
  it('signs the person in on the other attributes and warns in the SSO_LOGIN audit row that no groups were read', async () => {
    const jar = new CookieJar();
    const answer = await idp.answer(await startLogin(jar), {
      email: 'olga@example.test', name: 'Olga O',
      attributes: { group: ['team-ml'], 'http://schemas.microsoft.com/claims/groups.link': ['https://graph.windows.net/tenant/users/olga/getMemberObjects'] },
    });
    const acs = await postToAcs(answer.form);
    expect(acs.status, await acs.clone().text()).toBe(303);
    expect((await jar.fetch(new URL(acs.headers.get('location')!, server.url))).status).toBe(302);
    const logs = await server.api('GET', '/v2/audit-logs?limit=100');
    const login = (logs.body.logs as { operation_name?: string; operation_text?: string; variables?: string }[])
      .find((l) => l.operation_name === `SSO_LOGIN SAML ${idpId}` && l.operation_text?.includes('olga@example.test'));
    expect(JSON.parse(login!.variables!).warning).toMatch(/group overage.*app roles.*SCIM/);
  });
});

describe('IdP-initiated sign-in (identity.md §2.2)', () => {
  it('is accepted once the provider allows it: RelayState is only a return path, and the assertion id guards replays', async () => {
    const patched = await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { allow_idp_initiated: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      const SAMLResponse = await idp.loginResponse({ entityId: server.url, acsUrl: `${server.url}/auth/v2/saml` }, {
        email: 'carol@example.test', attributes: { group: ['team-ml'] },
      });
      const acs = await postToAcs({ SAMLResponse, RelayState: '/projects' });
      expect(acs.status, await acs.clone().text()).toBe(303);
      const jar = new CookieJar();
      const done = await jar.fetch(new URL(acs.headers.get('location')!, server.url));
      expect(done.status, await done.clone().text()).toBe(302);
      expect(done.headers.get('location')).toBe('/projects');
      expect(jar.get('ax_session')).toBeTruthy();
      await expectCode(await postToAcs({ SAMLResponse, RelayState: '/projects' }), 401, 'SAML_REPLAYED');
      // A RelayState that is not a path of this site is not followed.
      const other = await idp.loginResponse({ entityId: server.url, acsUrl: `${server.url}/auth/v2/saml` }, { email: 'carol@example.test', attributes: { group: ['team-ml'] } });
      const acs2 = await postToAcs({ SAMLResponse: other, RelayState: '//evil.test/x' });
      const done2 = await new CookieJar().fetch(new URL(acs2.headers.get('location')!, server.url));
      expect(done2.headers.get('location')).toBe('/');
    } finally {
      await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { allow_idp_initiated: false } });
    }
  });
});

describe('sign-in routing (identity.md §2.2 step 1)', () => {
  it('routes a validated domain of an enabled provider, and nothing else', async () => {
    const routed = await server.api('POST', '/auth/sso/discover', { key: null, body: { email: 'someone@EXAMPLE.test' } });
    expect(routed.status).toBe(200);
    expect(routed.body).toEqual({ sso: true, protocol: 'SAML', login_url: `/auth/v2/saml/login?idp_id=${enc(idpId)}`, password_allowed: true });
    const unknown = await server.api('POST', '/auth/sso/discover', { key: null, body: { email: 'someone@nowhere.test' } });
    expect(unknown.body).toEqual({ sso: false, password_allowed: true });

    // Another account's provider: its domain is not validated (only the operator account's are), so it does not route.
    const tenant = await createSecondAccount(server);
    const other = await SamlTestIdp.create({ key: otherKey });
    const created = await server.api('POST', '/v2/saml-identity-providers', {
      key: tenant.admin.key,
      body: { name: 'tenant idp', email_domains: ['tenant-b.test'], metadata_xml: other.metadataXml(), allow_default_login: false,
        role_mappings: [{ attributes_map: {}, is_account_admin: true }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await server.api('POST', '/auth/sso/discover', { key: null, body: { email: 'x@tenant-b.test' } })).body).toEqual({ sso: false, password_allowed: true });
    await expectCode(await fetch(`${server.url}/auth/v2/saml/login?email=x@tenant-b.test`, { redirect: 'manual', headers: JSON_ACCEPT }), 404, 'SSO_DOMAIN_NOT_CONFIGURED');
    // Its own login link works all the same.
    expect((await fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(created.body.id)}`, { redirect: 'manual' })).status).toBe(302);

    // A disabled provider routes nobody and starts no login.
    await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { enabled: false } });
    try {
      expect((await server.api('POST', '/auth/sso/discover', { key: null, body: { email: 'someone@example.test' } })).body).toEqual({ sso: false, password_allowed: true });
      await expectCode(await fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(idpId)}`, { redirect: 'manual', headers: JSON_ACCEPT }), 404, 'SSO_UNKNOWN_PROVIDER');
    } finally {
      await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { enabled: true } });
    }
    await expectCode(await fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(Buffer.from('SamlIdentityProvider:999').toString('base64'))}`, { redirect: 'manual', headers: JSON_ACCEPT }), 404, 'SSO_UNKNOWN_PROVIDER');
  });
});

describe('expiry (identity.md §2.2: 10 minutes)', () => {
  // Last: it moves the server's clock.
  it('refuses an answer to an attempt older than 10 minutes (SAML_REPLAYED) and a completion after them (SSO_LOGIN_EXPIRED)', async () => {
    const before = await loginRowCounts(server);
    const late = await answered({});
    const { jar, answer } = await answered({ email: 'dora@example.test' });
    const acs = await postToAcs(answer.form);
    expect(acs.status).toBe(303);
    await server.advanceClock(11 * 60_000);
    await expectCode(await postToAcs(late.answer.form), 401, 'SAML_REPLAYED');
    await expectCode(await jar.fetch(new URL(acs.headers.get('location')!, server.url), { headers: JSON_ACCEPT }), 400, 'SSO_LOGIN_EXPIRED');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('sweeps login attempts and replay-guard rows past their expiry, judged by the server\'s clock (§8)', async () => {
    const db = server.context!.store.db;
    const count = async (table: 'sso_login_attempts' | 'saml_assertions_seen') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('sso_login_attempts')).toBeGreaterThan(0);
    expect(await count('saml_assertions_seen')).toBeGreaterThan(0);
    const fresh = new CookieJar();
    await startLogin(fresh);
    await sweepExpiredLoginState(server.context!);
    // Everything above is older than the 11 minutes the clock moved; the attempt just started stays.
    expect(await count('sso_login_attempts')).toBe(1);
    expect(await count('saml_assertions_seen')).toBe(0);
  });

  it('fetches metadata from a URL again when the copy is older than an hour, at the next login start', async () => {
    const fetches = metadataFetches;
    await startLogin(new CookieJar(), `idp_id=${enc(rollingIdpId)}`);
    expect(metadataFetches).toBe(fetches);
    await server.advanceClock(50 * 60_000);
    await startLogin(new CookieJar(), `idp_id=${enc(rollingIdpId)}`);
    expect(metadataFetches).toBe(fetches + 1);
    await startLogin(new CookieJar(), `idp_id=${enc(rollingIdpId)}`);
    expect(metadataFetches).toBe(fetches + 1);
  });
});
