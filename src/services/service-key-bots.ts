import { randomUUID } from 'node:crypto';
import { encodeId } from '../domain/ids.js';
import { forAccount } from '../store/account-store.js';
import type { AccessChange } from '../store/change-feed.js';
import type { ChangeSet, Trx } from './mutation.js';
import { presentRoleAssignment } from './role-assignments.js';
import type { ServiceKeyScope } from './service-key-scope.js';

/**
 * A service key's bot user: created with the key, in the same transaction, with exactly the scope the key
 * was given (account role, organization and space memberships), and declared to the access snapshot as such.
 * Bots never sign in; their address is synthetic and unique, under the reserved `.invalid` domain.
 */
export async function createBotUser(trx: Trx, changes: ChangeSet, accountId: number, name: string, scope: ServiceKeyScope, now: string): Promise<number> {
  const email = `bot-${randomUUID()}@bots.invalid`;
  const organizations = scope.organizations.map((org) => ({ id: org.id, roleId: org.role.id }));
  const spaces = scope.organizations.flatMap((org) => org.spaces.map((space) => ({ id: space.id, roleId: space.role.id })));
  const botId = await forAccount(trx, accountId).serviceKeyBots.create({ name, email, role: scope.accountRole, now, organizations, spaces });
  changes.user(botId);
  changes.patchAccess(
    { op: 'upsertUser', user: { id: botId, role: scope.accountRole, active: true, isBot: true } },
    ...organizations.map((org): AccessChange => ({ op: 'upsertOrganizationMembership', membership: { userId: botId, organizationId: org.id, roleId: org.roleId } })),
    ...spaces.map((space): AccessChange => ({ op: 'upsertSpaceMembership', membership: { userId: botId, spaceId: space.id, roleId: space.roleId } })),
  );
  return botId;
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
  const store = forAccount(trx, accountId);
  if (await store.serviceKeyBots.hasLiveKey(botId, now)) return;
  await store.memberships.removeAllOf(botId);
  await store.serviceKeyBots.markDeleted(botId, now);
  changes.user(botId);
  changes.rebuildAccess();
}
