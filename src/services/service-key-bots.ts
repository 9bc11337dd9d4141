import { randomUUID } from 'node:crypto';
import { encodeId } from '../domain/ids.js';
import { forAccount } from '../store/account-store.js';
import type { ChangeSet, Trx } from './mutation.js';
import { presentRoleAssignment } from './role-assignments.js';
import type { ServiceKeyScope } from './service-key-scope.js';

/**
 * A service key's bot user: created with the key, in the same transaction, with exactly the scope the key
 * was given (account role, organization and space memberships). Bots never sign in; their address is
 * synthetic and unique, under the reserved `.invalid` domain.
 */
export async function createBotUser(trx: Trx, accountId: number, name: string, scope: ServiceKeyScope, now: string): Promise<number> {
  const email = `bot-${randomUUID()}@bots.invalid`;
  const { id } = await trx.insertInto('users').values({
    account_id: accountId, name, email, email_lower: email, role: scope.accountRole, status: 'ACTIVE', is_developer: 0,
    is_bot: 1, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('organization_memberships').values(scope.organizations.map((org) => ({
    account_id: accountId, organization_id: org.id, user_id: id, role_id: org.role.id, created_at: now, updated_at: now,
  }))).execute();
  await trx.insertInto('space_memberships').values(scope.organizations.flatMap((org) => org.spaces.map((space) => ({
    account_id: accountId, space_id: space.id, user_id: id, role_id: space.role.id, created_at: now, updated_at: now,
  })))).execute();
  return id;
}

/** `bot_user` of the create answer: the scope with every default resolved. */
export function presentBotUser(botId: number, name: string, scope: ServiceKeyScope) {
  return {
    id: encodeId('User', botId),
    name,
    account_role: { type: 'PREDEFINED' as const, name: scope.accountRole },
    organizations: scope.organizations.map((org) => ({
      org_id: encodeId('Organization', org.id),
      role: presentRoleAssignment(org.role),
      spaces: org.spaces.map((space) => ({ space_id: encodeId('Space', space.id), role: presentRoleAssignment(space.role) })),
    })),
  };
}

/**
 * Retires a bot once none of its keys can authenticate any more (all revoked or expired): its memberships and
 * bindings go and the user is soft-deleted, so nothing is left that could act as it. A key still in its
 * refresh grace period counts as live, so the bot stays until the next revoke of one of its keys finds none
 * (revoking is idempotent: revoking a lapsed key again retires the bot then).
 */
export async function retireBotIfKeyless(trx: Trx, accountId: number, botId: number, now: string, changes: ChangeSet): Promise<void> {
  const live = await trx.selectFrom('api_keys').select('id').where('user_id', '=', botId).where('status', '=', 'ACTIVE')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).limit(1).executeTakeFirst();
  if (live) return;
  await forAccount(trx, accountId).memberships.removeAllOf(botId);
  await trx.updateTable('users').set({ deleted_at: now, updated_at: now }).where('id', '=', botId).where('is_bot', '=', 1)
    .where('deleted_at', 'is', null).execute();
  changes.user(botId);
}
