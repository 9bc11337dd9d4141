import { ERRORS } from './errors.js';

/** docs/errors.md, rendered from the error catalogue (regenerate with `npm run docs:errors`). */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERRORS).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.title} | ${e.fix} |`);
  return [
    '# Errors',
    '',
    'Every error is an RFC 7807 problem (`application/problem+json`): `{ "status", "title", "detail"?, "code" }`.',
    '`code` names the catalogue entry below (src/domain/errors.ts, from which this page is generated);',
    '`detail` says what was wrong with this request, naming the field when there is one.',
    '',
    '| code | status | title | how to fix |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
