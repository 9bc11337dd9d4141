export type ApiKeyStatus = 'ACTIVE' | 'REVOKED';

/** The fields of a key its status is read from. */
export interface KeyStatusFields {
  status: ApiKeyStatus;
  replaced_by_id: number | null;
  expires_at: string | null;
}

/**
 * The status a key reads as. The wire knows only ACTIVE and REVOKED, so:
 * - a key refreshed with a grace period stays ACTIVE, with its shortened `expires_at`, until the grace ends,
 *   and reads REVOKED from then on (it was retired by the refresh; computed here, never written lazily);
 * - a key that merely reached its own `expires_at` stays ACTIVE with that past `expires_at` — expiry is
 *   visible from the field, and the key fails authentication all the same.
 * `now` is an RFC 3339 UTC string, as the timestamps are stored.
 */
export function keyStatus(row: KeyStatusFields, now: string): ApiKeyStatus {
  if (row.status === 'REVOKED') return 'REVOKED';
  return row.replaced_by_id !== null && row.expires_at !== null && row.expires_at <= now ? 'REVOKED' : 'ACTIVE';
}
