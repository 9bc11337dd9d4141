import { isoNow, systemClock } from '../domain/clock.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { findAccount, insertAccount } from '../store/accounts.js';
import type { Trx } from './mutation.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * A new tenant: the account row and one row per predefined role (their permission sets stay in
 * src/domain/predefined-roles.ts; the rows give memberships and bindings a role id to point at).
 */
export async function createAccount(trx: Trx, name: string, now: string = isoNow(systemClock)): Promise<number> {
  return insertAccount(trx, name, now, PREDEFINED_ROLE_KEYS.map((key) => ({
    predefined_key: key, name: PREDEFINED_ROLES[key].name, description: PREDEFINED_ROLES[key].description,
  })));
}

/** The principal's own account (every user of an account may read its name). */
export async function getAccount(ctx: ServiceDeps, principal: Principal): Promise<{ id: number; name: string }> {
  const account = await findAccount(ctx.store.db, principal.accountId);
  if (!account) throw notFound('account');
  return account;
}
