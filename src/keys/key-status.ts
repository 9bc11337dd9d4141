import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { ApiKeyRow, Database } from '../store/schema.js';

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED';

/**
 * The status a key reads as. The wire knows only ACTIVE and REVOKED, so:
 * - a key refreshed with a grace period stays ACTIVE, with its shortened `expires_at`, until the grace ends,
 *   and reads REVOKED from then on (it was retired by the refresh; computed here, never written lazily);
 * - a key that merely reached its own `expires_at` stays ACTIVE with that past `expires_at` — expiry is
 *   visible from the field, and the key fails authentication all the same.
 * `now` is an RFC 3339 UTC string, as the timestamps are stored.
 */
export function keyStatus(row: Pick<ApiKeyRow, 'status' | 'replaced_by_id' | 'expires_at'>, now: string): ApiKeyStatus {
  if (row.status === 'REVOKED') return 'REVOKED';
  return row.replaced_by_id !== null && row.expires_at !== null && row.expires_at <= now ? 'REVOKED' : 'ACTIVE';
}

/** The same rule as {@link keyStatus}, as a filter on `api_keys` rows (list queries). */
export function whereKeyStatus(
  eb: ExpressionBuilder<Database, 'api_keys'>, status: ApiKeyStatus, now: string,
): ExpressionWrapper<Database, 'api_keys', SqlBool> {
  if (status === 'REVOKED') {
    return eb.or([
      eb('api_keys.status', '=', 'REVOKED'),
      eb.and([eb('api_keys.replaced_by_id', 'is not', null), eb('api_keys.expires_at', '<=', now)]),
    ]);
  }
  return eb.and([
    eb('api_keys.status', '=', 'ACTIVE'),
    eb.or([eb('api_keys.replaced_by_id', 'is', null), eb('api_keys.expires_at', 'is', null), eb('api_keys.expires_at', '>', now)]),
  ]);
}
