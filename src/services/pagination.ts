import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../domain/errors.js';
import type { TimePosition } from '../domain/time-position.js';

/**
 * Keyset pagination with opaque, tamper-evident cursors: `base64url(json).mac`. The payload binds the cursor
 * to the list it came from (`scope`), so a forged or foreign cursor is a 400, and page 1000 costs what page 1
 * costs (WHERE id > last ORDER BY id LIMIT n+1; a list in time order, newest first, keys on the time and the id:
 * WHERE (created_at, id) < (t, last) ORDER BY created_at DESC, id DESC).
 */
export interface CursorPayload {
  /** The list (route) the cursor belongs to. */
  s: string;
  /** The last key of the previous page (its row's id). */
  k: number;
  /** A list in time order: the last row's time (its `created_at`), which comes before its id in the order. */
  t?: string;
}

/** The keyset position of a row: its id, or its time and id in a list in time order. */
export type CursorKey = number | TimePosition;

/** The payload of a cursor at `position` in the list `scope`. */
export function cursorPayload(scope: string, position: CursorKey): CursorPayload {
  return typeof position === 'number' ? { s: scope, k: position } : { s: scope, k: position.id, t: position.at };
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
}

export function encodeCursor(key: Buffer, payload: CursorPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

export function decodeCursor(key: Buffer, scope: string, cursor: string | undefined): number | undefined {
  const payload = verifiedPayload(key, scope, cursor);
  if (payload === undefined) return undefined;
  if (payload.t !== undefined) throw invalidCursor();
  return payload.k;
}

/** A cursor of a list in time order (toPage with a TimePosition key). */
export function decodeTimeCursor(key: Buffer, scope: string, cursor: string | undefined): TimePosition | undefined {
  const payload = verifiedPayload(key, scope, cursor);
  if (payload === undefined) return undefined;
  if (typeof payload.t !== 'string' || Number.isNaN(Date.parse(payload.t))) throw invalidCursor();
  return { at: payload.t, id: payload.k };
}

function invalidCursor(): ApiError {
  return new ApiError('INVALID_CURSOR', 'cursor is not a cursor this list issued; pass pagination.next_cursor unchanged');
}

/** The payload of a cursor this server signed for `scope`; anything else is INVALID_CURSOR. */
function verifiedPayload(key: Buffer, scope: string, cursor: string | undefined): CursorPayload | undefined {
  if (cursor === undefined) return undefined;
  const [body, sig] = cursor.split('.');
  if (!body || !sig || cursor.split('.').length !== 2) throw invalidCursor();
  const expected = mac(key, body);
  if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) throw invalidCursor();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const p = payload as Partial<CursorPayload>;
  if (p.s !== scope || typeof p.k !== 'number' || !Number.isSafeInteger(p.k)) throw invalidCursor();
  return p as CursorPayload;
}

export interface Page<T> {
  items: T[];
  pagination: { has_more: boolean; next_cursor?: string };
}

/** Turns `limit + 1` fetched rows into a page; `keyOf` gives the keyset position of a row. */
export function toPage<R, T>(key: Buffer, scope: string, rows: R[], limit: number, keyOf: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const items = pageRows.map(map);
  if (!hasMore) return { items, pagination: { has_more: false } };
  return { items, pagination: { has_more: true, next_cursor: encodeCursor(key, cursorPayload(scope, keyOf(pageRows[pageRows.length - 1]!))) } };
}
