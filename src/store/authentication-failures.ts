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

/** The accounts whose failures pruneAuthenticationFailures walks one by one (beside the failures of no account). */
export async function accountIdsForFailures(db: Kysely<Database>): Promise<number[]> {
  return (await db.selectFrom('accounts').select('id').execute()).map((row) => row.id);
}

/**
 * Deletes up to `limit` failure rows of one account (null: of no account) that began before `before`, found through
 * the (account_id, first_at, id) index (in no order: an order by time alone made PostgreSQL sort every such row of no
 * account, whose `is null` it does not take for the index's equality); answers how many went.
 */
export async function deleteAuthenticationFailuresBefore(
  db: Kysely<Database>, accountId: number | null, before: string, limit: number,
): Promise<number> {
  const oldest = db.selectFrom('authentication_failures').select('id')
    .where('account_id', accountId === null ? 'is' : '=', accountId).where('first_at', '<', before).limit(limit);
  const result = await db.deleteFrom('authentication_failures').where('id', 'in', oldest).executeTakeFirst();
  return Number(result.numDeletedRows);
}
