import { createHash } from 'node:crypto';
import type * as OpenId from 'openid-client';
import { ApiError } from '../../domain/errors.js';
import { AllowList } from '../outbound/address-policy.js';
import { guardedFetchFunction, OutboundFailedError, type OutboundOptions, OutboundRefusedError } from '../outbound/index.js';
import { type ClaimPaths, valueAt } from './claims.js';

/**
 * openid-client (with jose and oauth4webapi), loaded when the first client is made: a server whose users never sign
 * in with OIDC does not hold it. Every function below that uses it takes a client, so it is loaded by then.
 */
let openid: typeof OpenId;
let loading: Promise<void> | undefined;

function loadOpenid(): Promise<void> {
  loading ??= import('openid-client').then((module) => {
    openid = module;
  });
  return loading;
}

export interface OidcClientSettings {
  clientId: string;
  clientSecret?: string;
  /** `{public_url}/auth/oidc/callback`, as registered at the OP. */
  redirectUri: string;
  scopes: readonly string[];
}

/** A relying party for one IdP configuration: build it per login from the cached discovery document. */
export interface OidcClient {
  readonly configuration: OpenId.Configuration;
  readonly settings: OidcClientSettings;
}

/**
 * The openid-client Configuration from cached discovery JSON: client_secret_basic (client_secret_post when the OP
 * lists only that; none without a secret), every request through the outbound guard, ID token signatures checked
 * against the OP's JWKS (openid-client skips that by default, trusting TLS to the token endpoint), and plain http
 * only for an issuer on an allow-listed host.
 */
export async function oidcClient(discoveryJson: string, client: OidcClientSettings, options: OutboundOptions): Promise<OidcClient> {
  const metadata = JSON.parse(discoveryJson) as OpenId.ServerMetadata;
  await loadOpenid();
  const methods = metadata.token_endpoint_auth_methods_supported;
  const postOnly = Array.isArray(methods) && methods.includes('client_secret_post') && !methods.includes('client_secret_basic');
  const authentication = client.clientSecret === undefined
    ? openid.None()
    : postOnly ? openid.ClientSecretPost(client.clientSecret) : openid.ClientSecretBasic(client.clientSecret);
  const configuration = new openid.Configuration(metadata, client.clientId, { redirect_uris: [client.redirectUri] }, authentication);
  const guarded = guardedFetchFunction(options);
  // openid-client's body type names Node's ReadableStream, fetch's the DOM one: the same object at runtime.
  configuration[openid.customFetch] = (url, init) => guarded(url, init as RequestInit);
  const issuer = new URL(metadata.issuer);
  if (issuer.protocol === 'http:' && new AllowList(options.allowedPrivateHosts).allowsHost(issuer.hostname.replace(/^\[(.*)\]$/, '$1'))) {
    openid.allowInsecureRequests(configuration);
  }
  openid.enableNonRepudiationChecks(configuration);
  return { configuration, settings: client };
}

/** The OP's authorization URL: response_type=code, the scopes, the redirect URI, state, nonce and the S256 PKCE challenge. */
export function buildOidcAuthorizationUrl(client: OidcClient, params: { state: string; nonce: string; codeVerifier: string }): string {
  return openid.buildAuthorizationUrl(client.configuration, {
    response_type: 'code',
    redirect_uri: client.settings.redirectUri,
    scope: client.settings.scopes.join(' '),
    state: params.state,
    nonce: params.nonce,
    code_challenge: createHash('sha256').update(params.codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).href;
}

export interface OidcCallback {
  /** The URL the OP redirected the browser to (only its query is read). */
  callbackUrl: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
  useUserinfo: boolean;
  claimPaths: ClaimPaths;
}

const describe = (error: unknown): string => {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 3; e = e.cause) {
    if (!parts.includes(e.message)) parts.push(e.message);
  }
  return parts.join(': ');
};

function causeOf<T>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof type) return e;
  return undefined;
}

/** openid-client's (and the guard's) errors, as the codes of identity.md §3.4. */
function asApiError(error: unknown, step: string): unknown {
  if (error instanceof ApiError) return error;
  const refused = causeOf(error, OutboundRefusedError);
  if (refused) return new ApiError('SSO_URL_NOT_ALLOWED', `${step}: ${refused.reason}`);
  const failed = causeOf(error, OutboundFailedError);
  if (failed) return new ApiError('SSO_PROVIDER_UNREACHABLE', `${step}: ${failed.reason}`);
  if (error instanceof openid.ResponseBodyError) {
    if (error.status >= 500) return new ApiError('SSO_PROVIDER_UNREACHABLE', `${step}: the provider answered HTTP ${error.status} (${error.error})`);
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new ApiError('OIDC_TOKEN_INVALID', `${step}: the provider refused the request: ${error.error}${description}`);
  }
  if (error instanceof openid.AuthorizationResponseError) {
    return new ApiError('OIDC_PROVIDER_ERROR', `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`);
  }
  if (error instanceof openid.ClientError) {
    // A different nonce is a claim comparison failure, a missing one an invalid response: both name the claim.
    if (/"nonce"/.test(describe(error))) {
      return new ApiError('OIDC_NONCE_MISMATCH', 'the ID token does not carry the nonce this sign-in sent');
    }
    if (/"state"/.test(describe(error))) return new ApiError('OIDC_STATE_MISMATCH', 'the callback\'s state is not this sign-in\'s');
    if (error.code === 'OAUTH_HTTP_REQUEST_FORBIDDEN' || error.code === 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN') {
      return new ApiError('SSO_URL_NOT_ALLOWED', `${step}: ${describe(error)}; http is allowed only for hosts in AX_SSO_ALLOWED_PRIVATE_HOSTS`);
    }
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new ApiError('SSO_PROVIDER_UNREACHABLE', `${step}: ${describe(error)}`);
    }
    return new ApiError('OIDC_TOKEN_INVALID', `${step}: ${describe(error)}`);
  }
  return error;
}

/**
 * The callback of an OIDC login (identity.md §3.1): an `error=` from the OP, the RFC 9207 `iss` parameter when
 * present, then the code exchange with PKCE, state and nonce, and every ID token check (signature against the JWKS,
 * no `alg: none`, iss, aud, azp, exp). Answers the ID token's claims — with the userinfo claims added when
 * `useUserinfo` and one of the configured paths finds nothing in the ID token.
 */
export async function completeOidcAuthorization(client: OidcClient, input: OidcCallback): Promise<Record<string, unknown>> {
  const params = input.callbackUrl.searchParams;
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    throw new ApiError('OIDC_PROVIDER_ERROR', description ? `${error}: ${description}` : error);
  }
  const issuer = client.configuration.serverMetadata().issuer;
  const iss = params.get('iss');
  if (iss !== null && iss !== issuer) {
    throw new ApiError('OIDC_TOKEN_INVALID', `the callback comes from the issuer ${JSON.stringify(iss)}, not ${JSON.stringify(issuer)}`);
  }
  // The redirect_uri the token request repeats is the one the authorization request sent, whatever URL the
  // callback arrived on (a proxy may have rewritten its host).
  const callbackUrl = new URL(client.settings.redirectUri);
  callbackUrl.search = params.toString();
  let tokens;
  try {
    tokens = await openid.authorizationCodeGrant(client.configuration, callbackUrl, {
      pkceCodeVerifier: input.codeVerifier, expectedState: input.state, expectedNonce: input.nonce, idTokenExpected: true,
    });
  } catch (e) {
    throw asApiError(e, 'token request');
  }
  const claims = tokens.claims();
  if (!claims) throw new ApiError('OIDC_TOKEN_INVALID', 'the provider answered without an ID token');
  const idTokenClaims: Record<string, unknown> = { ...claims };
  const paths = [input.claimPaths.email, input.claimPaths.name, input.claimPaths.groups].filter((p): p is string => p !== null);
  const missing = paths.some((path) => valueAt(idTokenClaims, path) === null || valueAt(idTokenClaims, path) === undefined);
  if (!input.useUserinfo || !missing || client.configuration.serverMetadata().userinfo_endpoint === undefined) return idTokenClaims;
  let userinfo;
  try {
    userinfo = await openid.fetchUserInfo(client.configuration, tokens.access_token, claims.sub);
  } catch (e) {
    throw asApiError(e, 'userinfo request');
  }
  // The ID token is signed: what it says wins over userinfo.
  return { ...userinfo, ...idTokenClaims };
}
