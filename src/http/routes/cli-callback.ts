import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorResponses } from '../../wire/common.js';
import { CliCallbackQuery } from '../../wire/oauth.js';
import { escapeHtml } from '../sso-error-page.js';

/** The page shows at most this much of a CLI's error reason. */
const REASON_SHOWN = 200;

/** Nothing runs on this page and nothing loads from elsewhere; it only styles itself. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function callbackPage(outcome: { title: string; message: string; failed: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(outcome.title)} · ax</title>
<style>
  body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
  header { background: #1b1f24; color: #fff; padding: 12px 24px; font-weight: 600; }
  main { max-width: 560px; margin: 48px auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 24px 28px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  .failed { background: #ffebe9; color: #cf222e; border-radius: 6px; padding: 10px 12px; overflow-wrap: anywhere; }
</style>
</head>
<body>
<header>ax</header>
<main${outcome.failed ? ' role="alert"' : ''}>
  <h1>${escapeHtml(outcome.title)}</h1>
  <p${outcome.failed ? ' class="failed"' : ''}>${escapeHtml(outcome.message)}</p>
</main>
</body>
</html>
`;
}

/** An HTML answer (the route's declared responses are its problem+json errors). */
function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

/**
 * `GET /auth/cli/callback` (identity.md §6.1): the page a CLI's loopback sends the browser to at the end of
 * `ax auth login` — Arize's CLI and ours alike — so the browser does not end on a 404. Rendered here, without script.
 */
export async function cliCallbackRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/auth/cli/callback', {
    config: { public: true },
    schema: { tags: ['cli login'], security: [], querystring: CliCallbackQuery, response: { ...errorResponses } },
  }, async (request, reply) => {
    const { status, reason } = request.query;
    const page = status === 'success'
      ? callbackPage({ title: 'Logged in', message: 'You are logged in to ax. You can close this tab and return to your terminal.', failed: false })
      : callbackPage({
        title: 'Login failed',
        message: reason === undefined || reason.trim() === '' ? 'The login did not complete. Run ax auth login again in your terminal.'
          : [...reason].slice(0, REASON_SHOWN).join(''),
        failed: true,
      });
    return sendPage(reply, page);
  });
}
