import type { Kysely } from 'kysely';
import { decodeId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { forAccount } from '../store/account-store.js';
import type { Database, UserRow } from '../store/schema.js';
import type { Trx } from './mutation.js';

/** A live (not deleted) user of the account, by wire id; 404 otherwise, whatever account it may belong to. */
export async function findLiveUser(db: Trx | Kysely<Database>, accountId: number, userId: string, field = 'user_id'): Promise<UserRow> {
  const id = decodeId('User', userId, field);
  const row = await forAccount(db, accountId).users.findLive(id);
  if (!row) throw notFound('user');
  return row;
}

/**
 * Whether the principal may see a live user of its account — account admins: anyone; others: themselves and the users
 * they share an organization with (as GET /v2/users/{id}) — given whether they share one. Where it may not, callers
 * answer the same 404 as for a user that does not exist, so that a grant cannot be used to learn who exists.
 */
export function maySee(principal: Principal, userId: number, sharesAnOrganization: boolean): boolean {
  return principal.role === 'ADMIN' || userId === principal.userId || sharesAnOrganization;
}
