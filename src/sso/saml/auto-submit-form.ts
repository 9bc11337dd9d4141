import { createHash } from 'node:crypto';
import { escapeXml } from './xml-document.js';

/** A page that posts a form on load, and the Content-Security-Policy to send with it. */
export interface AutoSubmitPage { html: string; contentSecurityPolicy: string }

const SUBMIT_SCRIPT = 'document.forms[0].submit();';

/**
 * The HTML page that carries an HTTP-POST binding message (e.g. an AuthnRequest) to `url`: every value is
 * HTML-escaped; the one inline script is allowed by its hash in the returned policy, and without JavaScript the
 * user presses Continue.
 */
export function renderAutoSubmitForm(post: { url: string; fields: Record<string, string> }): AutoSubmitPage {
  const inputs = Object.entries(post.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeXml(name)}" value="${escapeXml(value)}">`)
    .join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Signing in…</title></head>',
    '<body>',
    `<form method="post" action="${escapeXml(post.url)}">`,
    inputs,
    '<noscript><p>JavaScript is off: press Continue to go on to your identity provider.</p><button type="submit">Continue</button></noscript>',
    '</form>',
    `<script>${SUBMIT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  const scriptHash = createHash('sha256').update(SUBMIT_SCRIPT).digest('base64');
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; script-src 'sha256-${scriptHash}'; base-uri 'none'; frame-ancestors 'none'`,
  };
}
