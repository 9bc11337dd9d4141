import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../domain/errors.js';

/**
 * Keyset pagination with opaque, tamper-evident cursors: `base64url(json).mac`. The payload binds the cursor
 * to the list it came from (`scope`), so a forged or foreign cursor is a 400, and page 1000 costs what page 1
 * costs (WHERE id > last ORDER BY id LIMIT n+1).
 */
export interface CursorPayload {
  /** The list (route) the cursor belongs to. */
  s: string;
  /** The last key of the previous page. */
  k: number;
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
}

export function encodeCursor(key: Buffer, payload: CursorPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

export function decodeCursor(key: Buffer, scope: string, cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => new ApiError('INVALID_CURSOR', 'cursor is not a cursor this list issued; pass pagination.next_cursor unchanged');
  const [body, sig] = cursor.split('.');
  if (!body || !sig || cursor.split('.').length !== 2) throw invalid();
  const expected = mac(key, body);
  if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const p = payload as Partial<CursorPayload>;
  if (p.s !== scope || typeof p.k !== 'number' || !Number.isSafeInteger(p.k)) throw invalid();
  return p.k;
}

export interface Page<T> {
  items: T[];
  pagination: { has_more: boolean; next_cursor?: string };
}

/** Turns `limit + 1` fetched rows into a page; `keyOf` gives the keyset value of a row. */
export function toPage<R, T>(key: Buffer, scope: string, rows: R[], limit: number, keyOf: (row: R) => number, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const items = pageRows.map(map);
  if (!hasMore) return { items, pagination: { has_more: false } };
  return { items, pagination: { has_more: true, next_cursor: encodeCursor(key, { s: scope, k: keyOf(pageRows[pageRows.length - 1]!) }) } };
}
