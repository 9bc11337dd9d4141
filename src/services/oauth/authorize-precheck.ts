import { CLI_CLIENT_ID } from '../../domain/oauth-client.js';

/** Scopes a CLI may ask for: `openid` and `email` are granted; `profile` and `offline_access` are accepted and ignored. */
const ACCEPTED_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);

/** `http://127.0.0.1:<any port>/callback`, nothing else (RFC 8252 §7.3; identity.md §6.2). */
export function isLoopbackCallback(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.pathname === '/callback' && url.search === '' && url.hash === ''
    && url.username === '' && url.password === '' && uri.startsWith('http://127.0.0.1');
}

/** Each refusal made here, in the order checked: the error, and why the request has it (undefined: it has not). */
const REFUSALS: { error: string; describe: (params: URLSearchParams) => string | undefined }[] = [
  {
    error: 'unsupported_response_type',
    describe: (params) => (params.get('response_type') ?? 'code') === 'code' ? undefined : 'only response_type=code is supported',
  },
  {
    error: 'invalid_scope',
    describe: (params) => {
      const unknown = (params.get('scope') ?? '').split(' ').filter((scope) => scope !== '' && !ACCEPTED_SCOPES.has(scope));
      return unknown.length === 0 ? undefined : `scope not supported: ${unknown.join(' ')} (ask for openid email)`;
    },
  },
  {
    error: 'consent_required',
    describe: (params) => (params.get('prompt') ?? '').split(' ').includes('none') ? 'every CLI login must be approved in the browser' : undefined,
  },
];

/**
 * The refusals of an authorize request that oidc-provider would not make as identity.md §6.3 asks: a response type
 * other than `code` (the library reports implicit types in the URL's fragment, which a CLI's loopback server never
 * receives; here it is in the query), a scope outside the accepted ones (the library ignores unknown scopes; here
 * they are `invalid_scope`) and `prompt=none` (consent is asked on every login, so it is `consent_required`). Each is
 * reported to the client's redirect URI, which is only done once the client and the URI are known to be good;
 * anything else is left to the library. `iss` is added as the library does (RFC 9207).
 */
export function refusedAuthorizeParameter(params: URLSearchParams, issuer: string): { redirectTo: string; error: string } | undefined {
  const redirectUri = params.get('redirect_uri');
  if (params.get('client_id') !== CLI_CLIENT_ID || redirectUri === null || !isLoopbackCallback(redirectUri)) return undefined;
  for (const { error, describe } of REFUSALS) {
    const description = describe(params);
    if (description === undefined) continue;
    const target = new URL(redirectUri);
    target.searchParams.set('error', error);
    target.searchParams.set('error_description', description);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('iss', issuer);
    return { redirectTo: target.toString(), error };
  }
  return undefined;
}
