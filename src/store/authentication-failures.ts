import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Counts one failed authentication in its bucket (account, user, address, reason, operation and time window): the
 * first failure inserts the row, a repeat raises its count. Cross-account: a failure may belong to no account.
 */
export async function countAuthenticationFailure(db: Kysely<Database>, failure: {
  bucket: string; accountId: number | null; userId: number | null; ip: string; reason: string; operation: string; at: string;
}): Promise<void> {
  await db.insertInto('authentication_failures').values({
    bucket: failure.bucket, account_id: failure.accountId, user_id: failure.userId, ip: failure.ip, reason: failure.reason,
    operation: failure.operation, count: 1, first_at: failure.at, last_at: failure.at,
  }).onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({
    count: eb('authentication_failures.count', '+', 1),
    last_at: eb.ref('excluded.last_at'),
  }))).execute();
}
