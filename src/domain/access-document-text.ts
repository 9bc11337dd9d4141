import { stringify } from 'yaml';

/**
 * The YAML text of an access document: keys in the order the document has them, no line folding, so that the same
 * account gives the same bytes every time. The server's `GET /v2/access/export` and `ax export` both write it.
 */
export function accessDocumentYaml(document: unknown): string {
  // No anchors and aliases: every grant is written out where it is, as a reviewer reads it.
  return stringify(document, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
