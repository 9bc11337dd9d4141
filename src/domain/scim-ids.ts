import { encodeId, type IdType, parseId } from './ids.js';

/**
 * A SCIM resource's `id`: the REST id in URL-safe base64 (RFC 4648 §5: `-_` for `+/`, padding kept), so that a
 * directory which does not escape path segments still works (identity.md §5.2).
 */
export function scimId(type: IdType, n: number): string {
  return encodeId(type, n).replace(/\+/g, '-').replace(/\//g, '_');
}

/** The row id of a SCIM id of `type`, in either base64 form; anything else (malformed, another type) is undefined. */
export function parseScimId(type: IdType, id: string): number | undefined {
  const parsed = parseId(id.replace(/-/g, '+').replace(/_/g, '/'));
  return parsed?.type === type ? parsed.n : undefined;
}
