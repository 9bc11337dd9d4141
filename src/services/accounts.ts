import { isoNow, systemClock } from '../domain/clock.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import type { Trx } from './mutation.js';

/**
 * A new tenant: the account row and one row per predefined role (their permission sets stay in
 * src/domain/predefined-roles.ts; the rows give memberships and bindings a role id to point at).
 */
export async function createAccount(trx: Trx, name: string, now: string = isoNow(systemClock)): Promise<number> {
  const { id } = await trx.insertInto('accounts').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('roles').values(PREDEFINED_ROLE_KEYS.map((key) => ({
    account_id: id, predefined_key: key, name: PREDEFINED_ROLES[key].name, description: PREDEFINED_ROLES[key].description,
    permissions: null, created_at: now, updated_at: now,
  }))).execute();
  return id;
}
