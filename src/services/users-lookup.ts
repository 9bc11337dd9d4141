import type { Kysely } from 'kysely';
import { decodeId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
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
