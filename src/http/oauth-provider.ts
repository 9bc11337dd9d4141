import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ApiError, type ErrorCode } from '../domain/errors.js';
import { createOAuthProvider } from '../services/oauth/provider.js';
import type { HttpDeps } from './app.js';
import { escapeHtml, ssoErrorPage } from './sso-error-page.js';

/** The errors that are shown, never redirected (the redirect URI cannot be trusted): RFC 6749 §4.1.2.1. */
const PAGE_ERRORS: Record<string, ErrorCode> = {
  invalid_client: 'OAUTH_INVALID_CLIENT',
  invalid_redirect_uri: 'OAUTH_INVALID_REDIRECT_URI',
};

/** The OAuth server's error page: the catalogue's page for a bad client or redirect URI, a short page otherwise. */
function renderError(koa: KoaContextWithOIDC, out: { error: string; error_description?: string | undefined }, requestId: string): void {
  const code = PAGE_ERRORS[out.error];
  koa.type = 'html';
  koa.set('cache-control', 'no-store');
  if (code !== undefined) {
    koa.status = 400;
    koa.body = ssoErrorPage(new ApiError(code, out.error_description), requestId);
    return;
  }
  koa.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · ax</title></head>
<body><main role="alert"><h1>Sign-in failed</h1><p><code>${escapeHtml(out.error)}</code></p><p>${escapeHtml(out.error_description ?? '')}</p>
<p>Run <code>ax auth login</code> again.</p></main></body></html>`;
}

const providers = new WeakMap<HttpDeps, Promise<Provider>>();

/**
 * The process's OAuth server, built at first use: its issuer is the public URL, known only once the server listens
 * (when AX_PUBLIC_URL is unset). The `/oauth2` mount and the consent routes share it.
 */
export function oauthProvider(ctx: HttpDeps): Promise<Provider> {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = createOAuthProvider(ctx, { issuer: ctx.config.publicUrl, proxy: ctx.config.trustProxy, renderError });
    providers.set(ctx, provider);
    // A failed start (the database was briefly away) is tried again at the next request, not remembered.
    provider.catch(() => providers.delete(ctx));
  }
  return provider;
}
