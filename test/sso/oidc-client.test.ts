import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import type { OutboundOptions } from '../../src/sso/outbound/index.js';
import {
  buildOidcAuthorizationUrl, completeOidcAuthorization, discoverOidcProvider, identityFromClaims, type OidcClient, oidcClient, type OidcClientSettings,
} from '../../src/sso/oidc/index.js';
import { type ForgedIdToken, type OidcOp, signInAtOp, startOidcOp, startStubOp, type StubOp } from '../helpers/oidc-op.js';

/** Never contacted: the scripted browser stops at the OP's redirect to it. */
const REDIRECT_URI = 'http://127.0.0.1:9/auth/oidc/callback';
const LOOPBACK: OutboundOptions = { allowedPrivateHosts: ['127.0.0.1'] };
const PATHS = { email: 'email', name: 'name', groups: null };

const codeOf = (promise: Promise<unknown>) => promise.then(
  () => 'resolved',
  (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.detail}` : `not an ApiError: ${String(e)}`),
);

const random = () => createHash('sha256').update(String(Math.random())).digest('base64url');

interface Login { client: OidcClient; url: URL; state: string; nonce: string; codeVerifier: string }

function startLogin(client: OidcClient): Login {
  const login = { state: random(), nonce: random(), codeVerifier: random() };
  return { client, ...login, url: new URL(buildOidcAuthorizationUrl(client, login)) };
}

function finish(login: Login, callbackUrl: URL, overrides: Partial<{ state: string; nonce: string; codeVerifier: string; useUserinfo: boolean }> = {}) {
  return completeOidcAuthorization(login.client, {
    callbackUrl, state: login.state, nonce: login.nonce, codeVerifier: login.codeVerifier, useUserinfo: true, claimPaths: PATHS, ...overrides,
  });
}

let op: OidcOp;
let discovered: string;
let client: OidcClient;

beforeAll(async () => {
  op = await startOidcOp({ redirectUris: [REDIRECT_URI] });
  op.setClaims('alice', {
    email: 'Alice@Example.TEST', email_verified: true, name: 'Alice A', groups: ['ax-admins', 'team-ml'],
    realm_access: { roles: ['ml-engineer', 'viewer'] },
  });
  op.setClaims('bob', { email: 'bob@example.test', email_verified: false, name: 'Bob B' });
  discovered = await discoverOidcProvider(op.issuer, LOOPBACK);
  client = await oidcClient(discovered, { clientId: op.clientId, clientSecret: op.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid', 'email', 'profile'] }, LOOPBACK);
});

afterAll(async () => {
  await op.close();
});

describe('discoverOidcProvider', () => {
  it('answers the discovery document of the issuer as JSON text', async () => {
    const metadata = JSON.parse(discovered) as Record<string, unknown>;
    expect(metadata).toMatchObject({ issuer: op.issuer, authorization_endpoint: `${op.issuer}/auth`, token_endpoint: `${op.issuer}/token` });
  });

  it('goes through the guard: a loopback issuer without the allow-list is SSO_URL_NOT_ALLOWED', async () => {
    expect(await codeOf(discoverOidcProvider(op.issuer, { allowedPrivateHosts: [] }))).toBe('SSO_URL_NOT_ALLOWED: issuer: 127.0.0.1 is a loopback address; allow it with AX_SSO_ALLOWED_PRIVATE_HOSTS');
  });

  it('the document must name exactly this issuer', async () => {
    expect(await codeOf(discoverOidcProvider(`${op.issuer}/`, LOOPBACK))).toBe(
      `OIDC_DISCOVERY_FAILED: the discovery document names the issuer ${JSON.stringify(op.issuer)}, not ${JSON.stringify(`${op.issuer}/`)} (they must be equal, character for character)`,
    );
  });

  describe('against a server that answers badly', () => {
    let server: Server;
    let origin: string;
    const documents: Record<string, { status: number; body: string }> = {};

    beforeAll(async () => {
      server = createServer((req, res) => {
        const answer = documents[req.url ?? ''] ?? { status: 404, body: 'not found' };
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const base = (name: string) => ({ issuer: `${origin}/${name}`, authorization_endpoint: `${origin}/a`, token_endpoint: `${origin}/t`, jwks_uri: `${origin}/j` });
      documents['/no-code/.well-known/openid-configuration'] = { status: 200, body: JSON.stringify({ ...base('no-code'), response_types_supported: ['id_token'] }) };
      documents['/no-jwks/.well-known/openid-configuration'] = { status: 200, body: JSON.stringify({ ...base('no-jwks'), jwks_uri: undefined, response_types_supported: ['code'] }) };
      documents['/not-json/.well-known/openid-configuration'] = { status: 200, body: '<html>' };
      documents['/array/.well-known/openid-configuration'] = { status: 200, body: '[]' };
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it.each([
      ['no-code', 'the provider does not offer the code response type (response_types_supported)'],
      ['no-jwks', 'the discovery document has no valid jwks_uri'],
      ['not-json', 'PATH did not answer JSON'],
      ['array', 'PATH did not answer a JSON object'],
      ['missing', 'PATH answered HTTP 404'],
    ])('%s → OIDC_DISCOVERY_FAILED', async (name, reason) => {
      const path = `${origin}/${name}/.well-known/openid-configuration`;
      expect(await codeOf(discoverOidcProvider(`${origin}/${name}`, LOOPBACK))).toBe(`OIDC_DISCOVERY_FAILED: ${reason.replace('PATH', path)}`);
    });

    it('an issuer that is not a URL, or has a query', async () => {
      expect(await codeOf(discoverOidcProvider('accounts.example.com', LOOPBACK))).toBe('OIDC_DISCOVERY_FAILED: issuer is not a URL: accounts.example.com');
      expect(await codeOf(discoverOidcProvider(`${origin}/x?tenant=1`, LOOPBACK))).toBe('OIDC_DISCOVERY_FAILED: issuer must not have a query or a fragment');
    });

    it('an issuer nobody answers for', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      expect(await codeOf(discoverOidcProvider(`http://127.0.0.1:${port}`, LOOPBACK))).toMatch(/^OIDC_DISCOVERY_FAILED: .*cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED$/);
    });
  });
});

describe('a login against oidc-provider', () => {
  it('the authorization URL: code flow, the scopes, the redirect URI, state, nonce and an S256 challenge', () => {
    const login = startLogin(client);
    expect(login.url.origin + login.url.pathname).toBe(`${op.issuer}/auth`);
    expect(Object.fromEntries(login.url.searchParams)).toEqual({
      client_id: op.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid email profile',
      state: login.state, nonce: login.nonce, code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(login.codeVerifier).digest('base64url'),
    });
  });

  it('completes: the ID token\'s claims, then the identity with groups from a path such as realm_access.roles', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    expect(callback.searchParams.get('iss')).toBe(op.issuer);
    const claims = await finish(login, callback);
    expect(claims).toMatchObject({ sub: 'alice', iss: op.issuer, aud: op.clientId, nonce: login.nonce, email: 'Alice@Example.TEST', groups: ['ax-admins', 'team-ml'] });

    expect(identityFromClaims(claims, PATHS)).toMatchObject({
      subject: 'alice', email: 'alice@example.test', name: 'Alice A', overage: false,
      attributes: { sub: ['alice'], email: ['Alice@Example.TEST'], email_verified: ['true'], groups: ['ax-admins', 'team-ml'] },
    });
    expect(identityFromClaims(claims, { ...PATHS, groups: 'realm_access.roles' }).attributes.groups).toEqual(['ml-engineer', 'viewer']);
  });

  it('the same code twice: the OP refuses the replay (OIDC_TOKEN_INVALID)', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    await finish(login, callback);
    expect(await codeOf(finish(login, callback))).toMatch(/^OIDC_TOKEN_INVALID: token request: the provider refused the request: invalid_grant: /);
  });

  it('another PKCE verifier: the OP refuses the code (OIDC_TOKEN_INVALID with its error)', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    expect(await codeOf(finish(login, callback, { codeVerifier: random() }))).toBe('OIDC_TOKEN_INVALID: token request: the provider refused the request: invalid_grant: grant request is invalid');
  });

  it('a code exchanged with another redirect URI than it was issued for: the OP refuses it (OIDC_TOKEN_INVALID)', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    const discovered = await discoverOidcProvider(op.issuer, LOOPBACK);
    const elsewhere = await oidcClient(discovered, { clientId: op.clientId, clientSecret: op.clientSecret, redirectUri: 'http://127.0.0.1:9/elsewhere', scopes: ['openid'] }, LOOPBACK);
    expect(await codeOf(finish({ ...login, client: elsewhere }, callback))).toMatch(/^OIDC_TOKEN_INVALID: token request: the provider refused the request: invalid_grant: /);
  });

  it('the user denies: error=access_denied is OIDC_PROVIDER_ERROR with the OP\'s description', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { deny: true });
    expect(await codeOf(finish(login, callback))).toBe('OIDC_PROVIDER_ERROR: access_denied: End-User aborted interaction');
  });

  it('an iss parameter from another issuer is refused before the code is used (RFC 9207)', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    callback.searchParams.set('iss', 'https://evil.example');
    expect(await codeOf(finish(login, callback))).toBe(`OIDC_TOKEN_INVALID: the callback comes from the issuer "https://evil.example", not ${JSON.stringify(op.issuer)}`);
    // oidc-provider advertises authorization_response_iss_parameter_supported, so a callback without iss is refused too
    callback.searchParams.delete('iss');
    expect(await codeOf(finish(login, callback))).toBe('OIDC_TOKEN_INVALID: token request: invalid response encountered: response parameter "iss" (issuer) missing');
    callback.searchParams.set('iss', op.issuer);
    expect((await finish(login, callback)).sub).toBe('alice');
  });

  it('a state other than this sign-in\'s is OIDC_STATE_MISMATCH', async () => {
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    expect(await codeOf(finish(login, callback, { state: random() }))).toMatch(/^OIDC_STATE_MISMATCH: /);
  });

  it('email_verified false reaches identityFromClaims as OIDC_EMAIL_UNVERIFIED', async () => {
    const login = startLogin(client);
    const claims = await finish(login, await signInAtOp(login.url, { login: 'bob' }));
    expect(() => identityFromClaims(claims, PATHS)).toThrow(expect.objectContaining({ code: 'OIDC_EMAIL_UNVERIFIED' }));
  });

  it('with a client that is not allowed plain http, nothing is sent', async () => {
    const strict = await oidcClient(discovered, { clientId: op.clientId, clientSecret: op.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid'] }, { allowedPrivateHosts: [] });
    const login = startLogin(client);
    const callback = await signInAtOp(login.url, { login: 'alice' });
    expect(await codeOf(finish({ ...login, client: strict }, callback))).toMatch(/^SSO_URL_NOT_ALLOWED: token request: /);
  });
});

describe('userinfo and client authentication', () => {
  let thin: OidcOp;
  let postOnly: OidcOp;

  beforeAll(async () => {
    thin = await startOidcOp({ redirectUris: [REDIRECT_URI], claimsInIdToken: false });
    postOnly = await startOidcOp({ redirectUris: [REDIRECT_URI], tokenEndpointAuthMethod: 'client_secret_post' });
    for (const provider of [thin, postOnly]) provider.setClaims('carol', { email: 'carol@example.test', name: 'Carol C', groups: ['team-ml'] });
  });

  afterAll(async () => {
    await thin.close();
    await postOnly.close();
  });

  const clientOf = async (provider: OidcOp, edit: (metadata: Record<string, unknown>) => void = () => {}) => {
    const metadata = JSON.parse(await discoverOidcProvider(provider.issuer, LOOPBACK)) as Record<string, unknown>;
    edit(metadata);
    return oidcClient(JSON.stringify(metadata), { clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid', 'email', 'profile'] }, LOOPBACK);
  };

  it('an ID token without the email: userinfo fills it when useUserinfo, not otherwise', async () => {
    const rp = await clientOf(thin);
    const withUserinfo = startLogin(rp);
    const claims = await finish(withUserinfo, await signInAtOp(withUserinfo.url, { login: 'carol' }));
    expect(identityFromClaims(claims, PATHS)).toMatchObject({ subject: 'carol', email: 'carol@example.test', name: 'Carol C' });

    const without = startLogin(rp);
    const bare = await finish(without, await signInAtOp(without.url, { login: 'carol' }), { useUserinfo: false });
    expect(bare.email).toBeUndefined();
    expect(() => identityFromClaims(bare, PATHS)).toThrow(expect.objectContaining({ code: 'SSO_EMAIL_MISSING' }));
  });

  it('client_secret_post against an OP registered for it', async () => {
    const rp = await clientOf(postOnly, (m) => { m.token_endpoint_auth_methods_supported = ['client_secret_post']; });
    const login = startLogin(rp);
    expect((await finish(login, await signInAtOp(login.url, { login: 'carol' }))).sub).toBe('carol');
  });
});

describe('forged ID tokens (stub OP)', () => {
  let stub: StubOp;
  let rp: OidcClient;

  beforeAll(async () => {
    stub = await startStubOp();
    rp = await oidcClient(await discoverOidcProvider(stub.issuer, LOOPBACK), { clientId: stub.clientId, clientSecret: stub.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid'] }, LOOPBACK);
  });

  afterAll(async () => {
    await stub.close();
  });

  const loginWith = async (forge: ForgedIdToken) => {
    stub.forge = forge;
    const login = startLogin(rp);
    return codeOf(finish(login, await signInAtOp(login.url), { useUserinfo: false }));
  };

  it('a well-formed token passes (the stub itself is sound)', async () => {
    expect(await loginWith('valid')).toBe('resolved');
  });

  it.each([
    ['wrong-iss', /unexpected JWT "iss" \(issuer\) claim value/],
    ['wrong-aud', /unexpected JWT "aud" \(audience\) claim value/],
    ['expired', /"exp" \(expiration time\) claim value, expiration is past current timestamp/],
    ['alg-none', /unexpected JWT "alg" header parameter/],
    ['unknown-kid', /no applicable keys found/],
    ['bad-signature', /JWT signature verification failed/],
  ] as const)('%s → OIDC_TOKEN_INVALID', async (forge, detail) => {
    const answer = await loginWith(forge);
    expect(answer).toMatch(/^OIDC_TOKEN_INVALID: token request: /);
    expect(answer).toMatch(detail);
  });

  it.each(['wrong-nonce', 'missing-nonce'] as const)('%s → OIDC_NONCE_MISMATCH', async (forge) => {
    expect(await loginWith(forge)).toBe('OIDC_NONCE_MISMATCH: the ID token does not carry the nonce this sign-in sent');
  });

  it('client_secret_basic, or client_secret_post when discovery lists only that; no secret: none', async () => {
    const metadata = JSON.parse(await discoverOidcProvider(stub.issuer, LOOPBACK)) as Record<string, unknown>;
    const settings: OidcClientSettings = { clientId: stub.clientId, clientSecret: stub.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid'] };
    const authOf = async (methods: string[] | undefined, secret = true) => {
      const rp = await oidcClient(JSON.stringify({ ...metadata, token_endpoint_auth_methods_supported: methods }), secret ? settings : { clientId: settings.clientId, redirectUri: settings.redirectUri, scopes: settings.scopes }, LOOPBACK);
      stub.forge = 'valid';
      const login = startLogin(rp);
      await finish(login, await signInAtOp(login.url), { useUserinfo: false });
      const request = stub.tokenRequests.at(-1)!;
      return { authorization: request.authorization?.split(' ')[0], client_id: request.body.get('client_id'), client_secret: request.body.get('client_secret') };
    };
    const basic = { authorization: 'Basic', client_id: null, client_secret: null };
    expect(await authOf(undefined)).toEqual(basic);
    expect(await authOf(['client_secret_basic', 'client_secret_post'])).toEqual(basic);
    expect(await authOf(['client_secret_post'])).toEqual({ authorization: undefined, client_id: stub.clientId, client_secret: stub.clientSecret });
    expect(await authOf(undefined, false)).toEqual({ authorization: undefined, client_id: stub.clientId, client_secret: null });
  });

  it('the OP gone after the redirect: SSO_PROVIDER_UNREACHABLE', async () => {
    const gone = await startStubOp();
    const goneRp = await oidcClient(await discoverOidcProvider(gone.issuer, LOOPBACK), { clientId: gone.clientId, clientSecret: gone.clientSecret, redirectUri: REDIRECT_URI, scopes: ['openid'] }, LOOPBACK);
    const login = startLogin(goneRp);
    const callback = await signInAtOp(login.url);
    await gone.close();
    expect(await codeOf(finish(login, callback))).toMatch(/^SSO_PROVIDER_UNREACHABLE: token request: cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED$/);
  });
});
