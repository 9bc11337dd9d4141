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

/**
 * The two refusals of an authorize request that oidc-provider would not make as identity.md §6.3 asks: a scope
 * outside the accepted ones (the library ignores unknown scopes; here they are `invalid_scope`) and `prompt=none`
 * (consent is asked on every login, so it is `consent_required`). Both are reported to the client's redirect URI,
 * which is only done once the client and the URI are known to be good; anything else is left to the library.
 */
export function refusedAuthorizeParameter(params: URLSearchParams): { redirectTo: string } | undefined {
  const redirectUri = params.get('redirect_uri');
  if (params.get('client_id') !== CLI_CLIENT_ID || redirectUri === null || !isLoopbackCallback(redirectUri)) return undefined;
  const unknown = (params.get('scope') ?? '').split(' ').filter((scope) => scope !== '' && !ACCEPTED_SCOPES.has(scope));
  const prompts = (params.get('prompt') ?? '').split(' ');
  const refusal = unknown.length > 0
    ? { error: 'invalid_scope', error_description: `scope not supported: ${unknown.join(' ')} (ask for openid email)` }
    : prompts.includes('none') ? { error: 'consent_required', error_description: 'every CLI login must be approved in the browser' } : undefined;
  if (!refusal) return undefined;
  const target = new URL(redirectUri);
  target.searchParams.set('error', refusal.error);
  target.searchParams.set('error_description', refusal.error_description);
  const state = params.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { redirectTo: target.toString() };
}
