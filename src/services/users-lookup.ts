import type { Kysely } from 'kysely';
import { decodeId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Database, UserRow } from '../store/schema.js';
import type { Trx } from './mutation.js';

/** A live (not deleted) user of the account, by wire id; 404 otherwise, whatever account it may belong to. */
export async function findLiveUser(db: Trx | Kysely<Database>, accountId: number, userId: string, field = 'user_id'): Promise<UserRow> {
  const id = decodeId('User', userId, field);
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).where('account_id', '=', accountId)
    .where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

/**
 * A live user of the account whom the principal may see — account admins: anyone; others: themselves and the
 * users they share an organization with (as GET /v2/users/{id}) — else the same 404 as for a user that does not
 * exist, so that a grant cannot be used to learn who exists.
 */
export async function findVisibleLiveUser(db: Trx | Kysely<Database>, principal: Principal, userId: string, field = 'user_id'): Promise<UserRow> {
  const row = await findLiveUser(db, principal.accountId, userId, field);
  if (principal.role === 'ADMIN' || row.id === principal.userId) return row;
  const shared = await db.selectFrom('organization_memberships as theirs')
    .innerJoin('organization_memberships as mine', 'mine.organization_id', 'theirs.organization_id')
    .select('theirs.id').where('theirs.user_id', '=', row.id).where('mine.user_id', '=', principal.userId).limit(1).executeTakeFirst();
  if (!shared) throw notFound('user');
  return row;
}
