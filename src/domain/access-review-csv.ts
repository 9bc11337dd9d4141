/**
 * An access review as CSV for auditors (docs/access-reviews.md): the server's export and `ax access-reviews export`
 * write the same text. RFC 4180 with CRLF line ends; a header line, then one line per grant.
 */
export const ACCESS_REVIEW_CSV_COLUMNS = [
  'id', 'principal_type', 'principal_id', 'principal_name', 'principal_email', 'principal_status', 'source', 'resource_type', 'resource_id',
  'resource_name', 'role_id', 'role_name', 'role_binding_id', 'provenance', 'provenance_idp_id', 'expires_at', 'decision', 'decided_by',
  'decided_by_email', 'decided_at', 'note', 'outcome',
] as const;

export type AccessReviewCsvRow = { readonly [C in (typeof ACCESS_REVIEW_CSV_COLUMNS)[number]]?: string | undefined };

/** A field with a comma, quote or line break is quoted (quotes doubled); one a spreadsheet would run as a formula gets a leading '. */
function csvField(value: string | undefined): string {
  const text = value === undefined ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line, CRLF included. */
export const ACCESS_REVIEW_CSV_HEADER = `${ACCESS_REVIEW_CSV_COLUMNS.join(',')}\r\n`;

/** One line per grant, each ending in CRLF: what follows the header, written as the grants are read. */
export function accessReviewCsvLines(grants: readonly AccessReviewCsvRow[]): string {
  return grants.map((g) => `${ACCESS_REVIEW_CSV_COLUMNS.map((c) => csvField(g[c])).join(',')}\r\n`).join('');
}

export function accessReviewCsv(grants: readonly AccessReviewCsvRow[]): string {
  return ACCESS_REVIEW_CSV_HEADER + accessReviewCsvLines(grants);
}
