import type { Kysely } from 'kysely';
import type { Database, RoleRow } from './schema.js';

/** A new account row with its predefined role rows; returns the account's id. */
export async function insertAccount(
  db: Kysely<Database>, name: string, now: string,
  predefinedRoles: readonly Pick<RoleRow, 'predefined_key' | 'name' | 'description'>[],
): Promise<number> {
  const { id } = await db.insertInto('accounts').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('roles').values(predefinedRoles.map((role) => ({
    account_id: id, predefined_key: role.predefined_key, name: role.name, description: role.description,
    permissions: null, created_at: now, updated_at: now,
  }))).execute();
  return id;
}

/** The account's id and name. */
export function findAccount(db: Kysely<Database>, id: number): Promise<{ id: number; name: string } | undefined> {
  return db.selectFrom('accounts').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
