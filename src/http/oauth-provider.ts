import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ApiError, type ErrorCode } from '../domain/errors.js';
import { databaseUnavailable } from '../services/database-unavailable.js';
import { createOAuthProvider } from '../services/oauth/provider.js';
import type { HttpDeps } from './app.js';
import { changesByMethod } from './plugins/errors.js';
import { escapeHtml, ssoErrorPage } from './sso-error-page.js';

/** The errors that are shown, never redirected (the redirect URI cannot be trusted): RFC 6749 §4.1.2.1. */
const PAGE_ERRORS: Record<string, ErrorCode> = {
  invalid_client: 'OAUTH_INVALID_CLIENT',
  invalid_redirect_uri: 'OAUTH_INVALID_REDIRECT_URI',
};

interface OAuthErrorOut {
  error: string;
  error_description?: string | undefined;
}

/** The OAuth server's error page: the catalogue's page for a bad client or redirect URI, a short page otherwise. */
function renderError(koa: KoaContextWithOIDC, out: OAuthErrorOut, requestId: string): void {
  const code = PAGE_ERRORS[out.error];
  koa.type = 'html';
  koa.set('cache-control', 'no-store');
  if (code !== undefined) {
    koa.status = 400;
    koa.body = ssoErrorPage(new ApiError(code, out.error_description), requestId);
    return;
  }
  koa.body = failurePage(out);
}

function failurePage(out: OAuthErrorOut): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · ax</title></head>
<body><main role="alert"><h1>Sign-in failed</h1><p><code>${escapeHtml(out.error)}</code></p><p>${escapeHtml(out.error_description ?? '')}</p>
<p>Run <code>ax auth login</code> again.</p></main></body></html>`;
}

/** RFC 6749 §4.1.2.1's code for a server that cannot handle the request now; the token endpoint answers it too. */
const TEMPORARILY_UNAVAILABLE = 'temporarily_unavailable';

/**
 * The OAuth server's own failures, which the library answers 500 `server_error` and reports only as an event: each
 * is logged, and one caused by a database that does not answer becomes what every other surface answers then (503
 * with Retry-After, services/database-unavailable.ts) as `temporarily_unavailable`: in the JSON body, on the error
 * page, or in the error redirect to the CLI's loopback.
 */
function answerServerErrors(provider: Provider, ctx: HttpDeps): void {
  const unavailable = new WeakMap<object, ApiError>();
  provider.on('server_error', (koa: KoaContextWithOIDC, error: unknown) => {
    const fields = { requestId: koa.response.get('x-request-id') || undefined };
    const answer = databaseUnavailable(error, { write: changesByMethod(koa.method), log: ctx.log, fields });
    if (answer) unavailable.set(koa, answer);
    else ctx.log.error({ err: error, ...fields }, 'the OAuth server failed');
  });
  provider.use(async (koa, next) => {
    await next();
    const answer = unavailable.get(koa);
    if (!answer) return;
    const out = { error: TEMPORARILY_UNAVAILABLE, error_description: answer.detail };
    const location = koa.response.get('location');
    if (location && koa.status >= 300 && koa.status < 400) {
      // Relative to the request, should the library ever send a path: a malformed URL must not turn into a 500 here.
      const target = new URL(location, koa.href);
      target.searchParams.set('error', out.error);
      target.searchParams.set('error_description', out.error_description ?? '');
      koa.redirect(target.toString());
      return;
    }
    koa.status = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) koa.set(name, value);
    koa.body = koa.response.is('html') ? failurePage(out) : out;
  });
}

const providers = new WeakMap<HttpDeps, Promise<Provider>>();

/**
 * The process's OAuth server, built at first use: its issuer is the public URL, known only once the server listens
 * (when AX_PUBLIC_URL is unset). The `/oauth2` mount and the consent routes share it.
 */
export function oauthProvider(ctx: HttpDeps): Promise<Provider> {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = createOAuthProvider(ctx, { issuer: ctx.config.publicUrl, proxy: ctx.config.trustProxy, renderError }).then((built) => {
      answerServerErrors(built, ctx);
      return built;
    });
    providers.set(ctx, provider);
    // A failed start (the database was briefly away) is tried again at the next request, not remembered.
    provider.catch(() => providers.delete(ctx));
  }
  return provider;
}
