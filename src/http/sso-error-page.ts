import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, ERRORS } from '../domain/errors.js';
import { sendProblem } from './plugins/errors.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * A browser navigating (Accept names text/html and not JSON) gets a page; everything else — `Accept:
 * application/json`, fetch's default `Accept`, tests — gets problem+json.
 */
export function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/**
 * The sign-in error page (identity.md §2.3): in the console's look, with the code, the how-to-fix sentence of the
 * error catalogue and the request id to give the operator; rendered by the server, no script, every value escaped.
 */
export function ssoErrorPage(error: ApiError, requestId: string): string {
  const fix = ERRORS[error.code].fix;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · ax</title>
<style>
  body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
  header { background: #1b1f24; color: #fff; padding: 12px 24px; font-weight: 600; }
  main { max-width: 560px; margin: 48px auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 24px 28px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  .code { display: inline-block; background: #ffebe9; color: #cf222e; border-radius: 6px; padding: 2px 8px; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
  .detail { color: #59636e; }
  .fix { background: #ddf4ff; border-radius: 6px; padding: 10px 12px; }
  .request { color: #59636e; font-size: 12px; }
  a.button { display: inline-block; background: #0b62d6; color: #fff; border-radius: 6px; padding: 6px 14px; text-decoration: none; }
</style>
</head>
<body>
<header>ax</header>
<main role="alert">
  <h1>${escapeHtml(error.title)}</h1>
  <p><span class="code">${escapeHtml(error.code)}</span></p>
  ${error.detail === undefined ? '' : `<p class="detail">${escapeHtml(error.detail)}</p>`}
  <p class="fix">${escapeHtml(fix)}</p>
  <p><a class="button" href="/login?sso_error=${encodeURIComponent(error.code)}">Back to sign-in</a></p>
  <p class="request">Request id: <code>${escapeHtml(requestId)}</code></p>
</main>
</body>
</html>
`;
}

/** Answers an error of a sign-in route: the page for a browser, problem+json for anything else. */
export function sendSsoError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  if (!wantsPage(request)) return sendProblem(reply, error);
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('text/html; charset=utf-8').send(ssoErrorPage(error, request.id));
}
