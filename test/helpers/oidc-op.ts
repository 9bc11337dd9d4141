import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * Test OpenID Providers for the SSO tests (identity.md §12.3), both on ephemeral 127.0.0.1 ports:
 * - `startOidcOp`: the real `oidc-provider` with its devInteractions login (fine in a test OP, never in the server),
 *   a confidential client, PKCE required, and per-login claims;
 * - `startStubOp`: plain node:http + jose serving discovery, JWKS and a token endpoint that hands out forged
 *   id_tokens (wrong iss, wrong aud, expired, alg none, unknown kid, wrong or missing nonce, bad signature).
 * `signInAtOp` is the scripted browser: it follows the authorization URL through the OP's login and consent with a
 * cookie jar and returns the callback URL the OP redirects to (code, state, iss — or error).
 */

/** Claims every test OP releases when the account has them (`sub` is the login name). */
const RELEASED_CLAIMS = ['email', 'email_verified', 'name', 'groups', 'roles', 'realm_access', 'hd', 'department', 'cognito:groups', 'hasgroups'];

export interface OidcOp {
  /** The issuer URL (`http://127.0.0.1:<port>`), what an IdP configuration's `issuer` is set to. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claims `findAccount` answers for a login name (the devInteractions login field); `sub` is the login. */
  setClaims(login: string, claims: Record<string, unknown>): void;
  close(): Promise<void>;
}

export interface OidcOpOptions {
  /** The redirect URIs registered for the client, e.g. `${publicUrl}/auth/oidc/callback`. */
  redirectUris: readonly string[];
  clientId?: string;
  clientSecret?: string;
  /** `client_secret_basic` (default) or `client_secret_post`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** true (default): the id_token carries every released claim; false: only `sub` (the rest from userinfo). */
  claimsInIdToken?: boolean;
  /** More claim names to release beyond RELEASED_CLAIMS. */
  extraClaims?: readonly string[];
}

/** The part of oidc-provider's API this helper uses (the package ships no types). */
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

/** oidc-provider prints "Unsupported runtime" (Node 20) and development-feature warnings; keep test output clean. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  const filter = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    original(...args);
  };
  console.warn = filter(warn);
  console.info = filter(info);
  try {
    return await run();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/** RSA key generation is slow on a busy machine: one pair per slot, shared by every OP this process starts. */
const rsaPairs = new Map<number, ReturnType<typeof generateKeyPair>>();
function rsaPair(slot: number): ReturnType<typeof generateKeyPair> {
  let pair = rsaPairs.get(slot);
  if (!pair) {
    pair = generateKeyPair('RS256', { extractable: true });
    rsaPairs.set(slot, pair);
  }
  return pair;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/**
 * With conformIdTokenClaims the ID token carries the claims of the `openid` scope only: so the claims go under
 * `openid` when the ID token should have them, and under `email`/`profile` (userinfo only) when it should not.
 */
function claimsByScope(options: OidcOpOptions): Record<string, string[]> {
  const custom = [...RELEASED_CLAIMS.filter((c) => !['email', 'email_verified', 'name'].includes(c)), ...(options.extraClaims ?? [])];
  return options.claimsInIdToken === false
    ? { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', ...custom] }
    : { openid: ['sub', ...custom], email: ['email', 'email_verified'], profile: ['name'] };
}

export async function startOidcOp(options: OidcOpOptions): Promise<OidcOp> {
  const clientId = options.clientId ?? 'ax-test-client';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const accounts = new Map<string, Record<string, unknown>>();
  const { privateKey } = await rsaPair(0);
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const server = createServer();
  const issuer = await listen(server);
  const provider = await quietly(async () => {
    const module = (await import('oidc-provider')) as { default: ProviderConstructor };
    return new module.default(issuer, {
      clients: [{
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: options.tokenEndpointAuthMethod ?? 'client_secret_basic',
      }],
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      claims: claimsByScope(options),
      conformIdTokenClaims: options.claimsInIdToken === false,
      pkce: { required: () => true },
      ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, IdToken: 300, Interaction: 600, Session: 600 },
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx: unknown, sub: string) {
        return { accountId: sub, claims: async () => ({ ...accounts.get(sub), sub }) };
      },
    });
  });
  // Koa logs every thrown error to stderr; the tests assert what the OP answers instead.
  provider.on('error', () => {});
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    setClaims: (login, claims) => void accounts.set(login, claims),
    close: () => closeServer(server),
  };
}

/** A minimal cookie jar for one scripted browser: name → value, dropped when the server expires it. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => {
        const [key = '', value = ''] = a.trim().split('=');
        return (key.toLowerCase() === 'max-age' && Number(value) <= 0)
          || (key.toLowerCase() === 'expires' && Date.parse(value) <= Date.now());
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface SignInOptions {
  /** The login name (its claims come from `setClaims`). */
  login?: string;
  /** Abort at the OP's login page instead: the OP redirects back with `error=access_denied`. */
  deny?: boolean;
}

/**
 * The browser part of an OIDC login, scripted: opens the authorization URL, signs in and consents at the OP's
 * devInteractions pages (or aborts when `deny`), and returns the callback URL the OP redirects to — not followed.
 */
export async function signInAtOp(authorizationUrl: string | URL, options: SignInOptions = {}): Promise<URL> {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('the authorization URL has no redirect_uri');
  const jar = new CookieJar();
  let next: { url: URL; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: new URL(authorizationUrl), method: 'GET' };
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: next.body,
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next.url);
      if (target.href.startsWith(redirectUri)) return target;
      next = { url: target, method: 'GET' };
      continue;
    }
    if (response.status !== 200) throw new Error(`the OP answered ${response.status} at ${next.url.href}: ${await response.text()}`);
    const page = await response.text();
    const uid = /\/interaction\/([^/?"']+)/.exec(next.url.pathname)?.[1];
    if (!uid) throw new Error(`unexpected page at ${next.url.href}`);
    if (options.deny) {
      next = { url: new URL(`/interaction/${uid}/abort`, next.url), method: 'GET' };
    } else if (page.includes('name="login"')) {
      next = { url: new URL(`/interaction/${uid}`, next.url), method: 'POST', body: new URLSearchParams({ prompt: 'login', login: options.login ?? 'user', password: 'any' }) };
    } else {
      next = { url: new URL(`/interaction/${uid}`, next.url), method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) };
    }
  }
  throw new Error('the OP never redirected back to the redirect_uri');
}

/** What the stub OP's token endpoint puts in the id_token. */
export type ForgedIdToken = 'valid' | 'wrong-iss' | 'wrong-aud' | 'expired' | 'alg-none' | 'unknown-kid' | 'wrong-nonce' | 'missing-nonce' | 'bad-signature';

export interface StubOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The id_token the next token request gets. */
  forge: ForgedIdToken;
  /** Claims of the id_token besides iss/aud/exp/iat/nonce (default `{ sub: 'stub-user', email: 'stub@example.test' }`). */
  claims: Record<string, unknown>;
  /** Every token request: its Authorization header and form body (how the client authenticated). */
  tokenRequests: { authorization: string | undefined; body: URLSearchParams }[];
  close(): Promise<void>;
}

/**
 * A hand-made OP: discovery, JWKS, an authorization endpoint that redirects straight back with a code (so
 * `signInAtOp` works against it too), and a token endpoint that answers with the id_token `forge` names.
 */
export async function startStubOp(options: { clientId?: string; clientSecret?: string } = {}): Promise<StubOp> {
  const { privateKey, publicKey } = await rsaPair(0);
  const other = await rsaPair(1);
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const nonces = new Map<string, string>();
  const server = createServer();
  const issuer = await listen(server);
  const stub: StubOp = {
    issuer,
    clientId: options.clientId ?? 'stub-client',
    clientSecret: options.clientSecret ?? 'stub-secret',
    forge: 'valid',
    claims: { sub: 'stub-user', email: 'stub@example.test' },
    tokenRequests: [],
    close: () => closeServer(server),
  };

  const idToken = async (nonce: string): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ...stub.claims,
      nonce: stub.forge === 'wrong-nonce' ? 'another-nonce' : stub.forge === 'missing-nonce' ? undefined : nonce,
      iss: stub.forge === 'wrong-iss' ? `${issuer}/other` : issuer,
      aud: stub.forge === 'wrong-aud' ? 'another-client' : stub.clientId,
      iat: stub.forge === 'expired' ? now - 7200 : now,
      exp: stub.forge === 'expired' ? now - 3600 : now + 300,
    };
    if (stub.forge === 'alg-none') {
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
    }
    const key = stub.forge === 'bad-signature' ? other.privateKey : privateKey;
    const headerKid = stub.forge === 'unknown-kid' ? randomUUID() : kid;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: headerKid, typ: 'JWT' }).sign(key);
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { raw += chunk; });
    req.on('end', () => {
      if (url.pathname === '/.well-known/openid-configuration') {
        json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          code_challenge_methods_supported: ['S256'],
        });
      } else if (url.pathname === '/jwks') {
        json(res, 200, jwks);
      } else if (url.pathname === '/authorize') {
        const code = randomUUID();
        nonces.set(code, url.searchParams.get('nonce') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        res.writeHead(302, { location: back.href }).end();
      } else if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(raw);
        stub.tokenRequests.push({ authorization: req.headers.authorization, body: form });
        const code = form.get('code') ?? '';
        const nonce = nonces.get(code);
        nonces.delete(code);
        if (nonce === undefined) {
          json(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
          return;
        }
        idToken(nonce).then(
          (token) => json(res, 200, { access_token: randomUUID(), token_type: 'Bearer', expires_in: 300, id_token: token }),
          (error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }),
        );
      } else {
        json(res, 404, { error: 'not_found' });
      }
    });
  });
  return stub;
}
