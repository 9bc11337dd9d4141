import type { Kysely } from 'kysely';
import { isoNow } from '../domain/clock.js';
import { ApiError, notFound, unprocessable } from '../domain/errors.js';
import { decodeId, encodeId } from '../domain/ids.js';
import { forAccount } from '../store/account-store.js';
import type { Database, UserRow } from '../store/schema.js';
import { requireAccountAdmin } from './authorize.js';
import { type Actor, runMutation, type Trx } from './mutation.js';
import type { ServiceDeps } from './service-deps.js';
import { endSessions } from './sessions.js';

/**
 * Deactivates a person (identity.md §5.5; account admin), reversibly, in one transaction with its audit row
 * (`DEACTIVATE_USER`): the user reads EXPIRED with `deactivated_at`, its console sessions and CLI logins end, the USER
 * keys it created are revoked (kept for the audit trail), and nothing else changes — memberships, bindings, identity
 * links stay for a reactivation, and the SERVICE keys it created (directly or through a bot key) keep working: the
 * audit row lists them for the admins to revoke, rotate or transfer. One change-feed message names the user and its
 * revoked keys, so every process refuses them within a second. Already deactivated: nothing to do (no audit row).
 * Refused: a bot (400 WRONG_USER_STATUS), the caller itself or the last ACTIVE account ADMIN (422), a deleted user (404).
 */
export async function deactivateUser(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  requireAccountAdmin(actor.principal, 'deactivate users');
  // Already deactivated: nothing to do, and nothing to audit (decided again inside the transaction).
  if ((await findPerson(ctx.store.db, actor, userId)).deactivated_at !== null) return;
  const audited: Actor = { ...actor, operation: 'DEACTIVATE_USER' };
  await runMutation(ctx, audited, async (trx, changes) => {
    const target = await findPerson(trx, actor, userId);
    if (target.id === actor.principal.userId) throw unprocessable('user_id: you cannot deactivate yourself; ask another admin');
    const store = forAccount(trx, actor.principal.accountId);
    const admins = await store.users.lockActiveAdmins();
    if (admins.includes(target.id) && !admins.some((a) => a !== target.id)) {
      throw unprocessable('user_id: this is the last ACTIVE account ADMIN; make another user an ADMIN first');
    }
    const now = isoNow(ctx.clock);
    if (!await store.users.setDeactivated(target.id, now, now)) return;
    await endSessions(trx, target.id, now);
    const revoked = await store.apiKeys.revokeUserKeysCreatedBy(target.id, now);
    for (const key of revoked) changes.key(key.public_id);
    changes.user(target.id);
    const serviceKeys = await store.apiKeys.serviceKeysCreatedBy(target.id, now);
    const grants = await store.syncedGrants.heldBy(target.id);
    const count = (...kinds: string[]) => grants.filter((g) => kinds.includes(g.kind)).length;
    audited.text = JSON.stringify({
      user_id: encodeId('User', target.id),
      user_keys_revoked: revoked.map((k) => encodeId('ApiKey', k.id)),
      service_keys_kept: serviceKeys.map((k) => encodeId('ApiKey', k.id)),
      grants_kept: {
        organization_memberships: count('ORGANIZATION_MEMBERSHIP'), space_memberships: count('SPACE_MEMBERSHIP'), role_bindings: count('SPACE_BINDING', 'PROJECT_BINDING'),
      },
    });
  });
}

/**
 * Reactivates a deactivated person (account admin; audited as `REACTIVATE_USER`): `deactivated_at` is cleared and
 * the stored status shows again (ACTIVE for a user with a password or an SSO link). The keys revoked and the logins
 * ended by the deactivation stay gone: the person signs in and creates new ones. Not deactivated: nothing to do.
 */
export async function reactivateUser(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  requireAccountAdmin(actor.principal, 'reactivate users');
  if ((await findPerson(ctx.store.db, actor, userId)).deactivated_at === null) return;
  const audited: Actor = { ...actor, operation: 'REACTIVATE_USER' };
  await runMutation(ctx, audited, async (trx, changes) => {
    const target = await findPerson(trx, actor, userId);
    const now = isoNow(ctx.clock);
    if (!await forAccount(trx, actor.principal.accountId).users.setDeactivated(target.id, null, now)) return;
    changes.user(target.id);
    audited.text = JSON.stringify({ user_id: encodeId('User', target.id) });
  });
}

/** The live human user of the caller's account: a deleted or unknown one is 404, a bot 400 WRONG_USER_STATUS. */
async function findPerson(db: Trx | Kysely<Database>, actor: Actor, userId: string): Promise<UserRow> {
  const id = decodeId('User', userId, 'user_id');
  const row = await forAccount(db, actor.principal.accountId).users.findLive(id);
  if (!row) throw notFound('user');
  if (row.is_bot === 1) {
    throw new ApiError('WRONG_USER_STATUS', 'user_id: the user is a bot; revoke its service key instead (PUT /v2/api-keys/{id}/revoke)');
  }
  return row;
}
