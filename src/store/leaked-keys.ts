import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from './schema.js';

/** An API key found by the public id its raw form carries, in whichever account holds it (a leak names no account). */
export function keyByPublicId(db: Kysely<Database>, publicId: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('public_id', '=', publicId).executeTakeFirst();
}

/** Who is told that a key leaked: the live people among `userIds`, and the account's live admins (no bots), by id. */
export async function leakRecipients(db: Kysely<Database>, accountId: number, userIds: readonly number[]): Promise<{ id: number; name: string; email: string }[]> {
  return db.selectFrom('users').select(['id', 'name', 'email']).where('account_id', '=', accountId)
    .where('deleted_at', 'is', null).where('deactivated_at', 'is', null).where('is_bot', '=', 0).where('status', '=', 'ACTIVE')
    .where((eb) => eb.or([eb('role', '=', 'ADMIN'), ...(userIds.length > 0 ? [eb('id', 'in', [...userIds])] : [])]))
    .orderBy('id').execute();
}
