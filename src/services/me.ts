import { permissionsOn } from '../access/index.js';
import { notFound } from '../domain/errors.js';
import type { Permission } from '../domain/permissions.js';
import type { Principal } from '../domain/principal.js';
import { forAccount } from '../store/account-store.js';
import type { UserRow } from '../store/schema.js';
import type { ServiceDeps } from './service-deps.js';

export interface Me {
  user: UserRow;
  /** What the principal may do on the account itself, sorted. */
  accountPermissions: Permission[];
}

/** `GET /v2/me`: the authenticated principal's user row (a bot's too) and its account-level permissions. */
export async function describeMe(ctx: ServiceDeps, principal: Principal): Promise<Me> {
  const user = await forAccount(ctx.store.db, principal.accountId).users.find(principal.userId);
  if (!user) throw notFound('user');
  const snapshot = await ctx.access.get(principal.accountId);
  return { user, accountPermissions: [...permissionsOn(snapshot, principal.userId, { type: 'ACCOUNT' })].sort() };
}
