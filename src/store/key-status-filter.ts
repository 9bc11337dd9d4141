import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Database } from './schema.js';

/** The rule of keyStatus (src/keys/key-status.ts), as a filter on `api_keys` rows (list queries). */
export function whereKeyStatus(
  eb: ExpressionBuilder<Database, 'api_keys'>, status: 'ACTIVE' | 'REVOKED', now: string,
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
