import type { ApiKey } from './types.js';

/**
 * True for a key the API still calls ACTIVE (its status enum is ACTIVE | REVOKED) although its own `expires_at` has
 * passed by `now` (the reader's clock): the server refuses it all the same. Tables and the console read it as
 * expired; the wire value stays as it is.
 */
export function isLapsed(key: Pick<ApiKey, 'status' | 'expires_at'>, now = Date.now()): boolean {
  return key.status === 'ACTIVE' && key.expires_at !== undefined && Date.parse(key.expires_at) <= now;
}
