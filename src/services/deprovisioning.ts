import type { Kysely } from 'kysely';
import { isoNow } from '../domain/clock.js';
import { ApiError, notFound, unprocessable } from '../domain/errors.js';
import { decodeId, encodeId, encodeProviderId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import type { DesiredGrants, Syncer } from '../role-mapping/index.js';
import { orphanedServiceKeysMail } from '../mail/deprovisioning-mails.js';
import { forAccount } from '../store/account-store.js';
import { type AccessChange, personEdit } from '../store/change-feed.js';
import type { Database, UserRow } from '../store/schema.js';
import { requireAccountAdmin } from './authorize.js';
import { type Actor, type ChangeSet, runMutation, type Trx } from './mutation.js';
import { type RemovalCascade, type RemovalOptions, runRemoval, type ServiceKeyAction } from './removal-cascade.js';
import { confinedToUser } from './dry-run.js';
import { redactKey } from './key-display.js';
import type { ServiceDeps } from './service-deps.js';
import { endSessions } from './sessions.js';
import { parseRoleSource, type SyncDiff, syncGrants } from './sso/grant-sync.js';

/**
 * Deactivates a person (identity.md §5.5; account admin), reversibly, in one transaction with its audit row
 * (`DEACTIVATE_USER`): the user reads EXPIRED with `deactivated_at`, its console sessions and CLI logins end, the USER
 * keys it created are revoked (kept for the audit trail), the grants an identity provider's sync gave it go (SSO and
 * SCIM rows, an account ADMIN a sync promoted); the MANUAL memberships and bindings and the identity links stay for a
 * reactivation. The SERVICE keys it created (directly or through a bot key) keep working unless the caller asks, as
 * for a user's deletion, to revoke or rotate them in the same transaction (`options`, see runRemoval; a dry run
 * answers the cascade and writes nothing): the person may still hold their secrets. One change-feed message names the
 * user and its revoked keys, so every process refuses them within a second. Already deactivated: nothing to do (no
 * audit row). Refused: a bot (400 WRONG_USER_STATUS), the caller itself or the last ACTIVE account ADMIN (422), a
 * deleted user (404).
 */
export async function deactivateUser(
  ctx: ServiceDeps, actor: Actor, userId: string, options: RemovalOptions = { dryRun: false, serviceKeys: 'keep' },
): Promise<RemovalCascade | undefined> {
  requireAccountAdmin(actor.principal, 'deactivate users');
  // Already deactivated: nothing to do, and nothing to audit (decided again inside the transaction).
  if ((await findPerson(ctx.store.db, actor, userId)).deactivated_at !== null) return undefined;
  const audited: Actor = { ...actor, operation: 'DEACTIVATE_USER' };
  // Confined: a dry run keeps the service keys (runRemoval), so only the person's own grants and standing move.
  return runRemoval(ctx, audited, options, async (trx, changes) => {
    const target = await findPerson(trx, actor, userId);
    if (target.id === actor.principal.userId) throw unprocessable('user_id: you cannot deactivate yourself; ask another admin');
    const deactivation = await deactivateWithin(trx, changes, { accountId: actor.principal.accountId, userId: target.id, now: isoNow(ctx.clock) })
      .catch((error: unknown) => { throw error instanceof LastActiveAdmin ? new ApiError('LAST_ACTIVE_ADMIN', `user_id: ${error.message}`) : error; });
    if (!deactivation) return undefined;
    const { report, accessEdits } = deactivation;
    // The person's standing, then the synced grants taken back (with the account role a sync had promoted).
    changes.patchAccess(personEdit(target, false), ...accessEdits);
    audited.text = JSON.stringify(withServiceKeyAction(report, options.serviceKeys));
    const removed = report.synced_grants_removed.flatMap((r) => r.removed);
    const count = (...kinds: string[]) => removed.filter((g) => kinds.includes(g.kind)).length;
    return {
      personId: target.id, reach: 'account',
      counts: {
        organizationMemberships: count('ORGANIZATION_MEMBERSHIP'), spaceMemberships: count('SPACE_MEMBERSHIP'),
        roleBindings: count('SPACE_BINDING', 'PROJECT_BINDING'), userKeysRevoked: report.user_keys_revoked.length,
      },
    };
  }, confinedToUser(userId));
}

/**
 * A deprovisioning's report as its audit row records it once the caller chose the fate of the person's service keys:
 * revoked or rotated ones are listed as such rather than as kept.
 */
export function withServiceKeyAction<R extends { service_keys_kept: string[] }>(report: R, action: ServiceKeyAction): R | Omit<R, 'service_keys_kept'> {
  if (action === 'keep') return report;
  const { service_keys_kept: keys, ...rest } = report;
  return { ...rest, [action === 'revoke' ? 'service_keys_revoked' : 'service_keys_rotated']: keys };
}

/** What a deactivation did, as its audit row records it (wire ids). */
export interface DeactivationReport {
  user_id: string;
  user_keys_revoked: string[];
  service_keys_kept: string[];
  /** What each identity provider's sync (SSO or SCIM) had given and took back: its rows, and an account role it promoted. */
  synced_grants_removed: SyncedGrantsRemoved[];
  grants_kept: { organization_memberships: number; space_memberships: number; role_bindings: number };
}

/** One provider's sync taken back by a deactivation: the rows it removed, what it left alone and why. */
export interface SyncedGrantsRemoved {
  source: 'SSO' | 'SCIM';
  idp_id: string;
  removed: SyncDiff['removed'];
  skipped: SyncDiff['skipped'];
  account_role?: SyncDiff['account_role'];
}

/** Deactivating would leave the account without an ACTIVE account ADMIN (REST: 422; SCIM: 400 `mutability`). */
export class LastActiveAdmin extends Error {
  constructor() { super('this is the last ACTIVE account ADMIN; make another user an ADMIN first'); }
}

/**
 * The deactivation itself, inside the caller's transaction (the admin's `deactivate`, a directory's `active: false`):
 * marks the user, ends its console sessions and CLI logins, revokes the USER keys it created, takes back its SSO- and
 * SCIM-given grants and records what changed in `changes`. Answers its report, and the access snapshot edits of the
 * synced grants taken back (and of an account role a sync had promoted), which the caller declares after the
 * person's own. Undefined when the user was already deactivated (nothing written). Throws LastActiveAdmin.
 */
export async function deactivateWithin(
  trx: Trx, changes: ChangeSet, input: { accountId: number; userId: number; now: string },
): Promise<{ report: DeactivationReport; accessEdits: AccessChange[] } | undefined> {
  const store = forAccount(trx, input.accountId);
  const { userId, now } = input;
  await requireAnotherActiveAdmin(trx, input.accountId, userId);
  if (!await store.users.setDeactivated(userId, now, now)) return undefined;
  const revoked = await endCredentials(trx, changes, input);
  const serviceKeys = await store.apiKeys.serviceKeysCreatedBy(userId, now);
  const { removed: synced, accessEdits } = await takeBackSyncedGrants(trx, input);
  const grants = await store.syncedGrants.heldBy(userId);
  const count = (...kinds: string[]) => grants.filter((g) => kinds.includes(g.kind)).length;
  const report: DeactivationReport = {
    user_id: encodeId('User', userId),
    user_keys_revoked: revoked,
    service_keys_kept: serviceKeys.map((k) => encodeId('ApiKey', k.id)),
    synced_grants_removed: synced,
    grants_kept: {
      organization_memberships: count('ORGANIZATION_MEMBERSHIP'), space_memberships: count('SPACE_MEMBERSHIP'), role_bindings: count('SPACE_BINDING', 'PROJECT_BINDING'),
    },
  };
  return { report, accessEdits };
}

/** A sync that wants nothing: run by a deactivation, it removes every row its provider wrote. */
const NOTHING_DESIRED: DesiredGrants = { accountAdmin: undefined, grants: [], matchedRules: [], usedDefaults: false };

/**
 * Issue 12: a deactivated user's SSO- and SCIM-given grants go. Every provider whose sync wrote a row of the user, or
 * promoted its account role, syncs to an empty desired set: its own rows go (MANUAL ones and other providers' stay)
 * and an account ADMIN it promoted goes back to the role before (the last ACTIVE admin was refused already).
 * Reactivation does not bring them back: the next SSO login with sync on does, or the directory's `active: true`.
 */
async function takeBackSyncedGrants(
  trx: Trx, input: { accountId: number; userId: number; now: string },
): Promise<{ removed: SyncedGrantsRemoved[]; accessEdits: AccessChange[] }> {
  const store = forAccount(trx, input.accountId).syncedGrants;
  const syncers = new Map<string, Syncer>();
  const add = (source: 'SSO' | 'SCIM', idpId: number) => syncers.set(`${source}:${idpId}`, { source, idpId });
  for (const row of await store.heldBy(input.userId)) if (row.source !== 'MANUAL' && row.sourceIdpId !== null) add(row.source, row.sourceIdpId);
  const promotedBy = parseRoleSource((await store.accountRole(input.userId))?.role_source ?? null);
  if (promotedBy) add(promotedBy.source, promotedBy.idpId);
  if (syncers.size === 0) return { removed: [], accessEdits: [] };
  const protocols = await store.protocolsOf([...syncers.values()].map((s) => s.idpId));
  const removed: SyncedGrantsRemoved[] = [];
  for (const syncer of syncers.values()) {
    removed.push({ source: syncer.source, idp_id: encodeProviderId(protocols.get(syncer.idpId) ?? 'SAML', syncer.idpId), removed: [], skipped: [] });
  }
  // Two rounds: an organization membership a sync keeps for another provider's space membership in it goes once
  // every provider's space memberships are gone (the second round only removes what the first had to keep).
  const accessEdits: AccessChange[] = [];
  for (const round of [1, 2]) {
    for (const [i, syncer] of [...syncers.values()].entries()) {
      const report = removed[i]!;
      if (round === 2 && !report.skipped.some((s) => s.reason === 'NEEDED_BY_A_SPACE_MEMBERSHIP')) continue;
      const sync = await syncGrants(trx, { ...input, syncer, desired: NOTHING_DESIRED });
      const { diff } = sync;
      report.removed.push(...diff.removed);
      report.skipped = diff.skipped;
      if (diff.account_role !== undefined) report.account_role = diff.account_role;
      accessEdits.push(...sync.accessEdits);
    }
  }
  return { removed, accessEdits };
}

/** What a deletion did, as its audit row records it (wire ids). */
export interface DeletionReport {
  user_id: string;
  user_keys_revoked: string[];
  /** The live SERVICE keys the person created (directly or through a bot key), working after the deletion. */
  service_keys_kept: string[];
  grants_removed: { organization_memberships: number; space_memberships: number; role_bindings: number };
  identity_links_removed: number;
  scim_group_memberships_removed: number;
}

/**
 * A user's deletion inside the caller's transaction (the admin's `DELETE /v2/users/{id}`, a directory's SCIM DELETE):
 * soft-deletes the user (404 everywhere from now on), removes its memberships and bindings, its identity links (with
 * what a directory said about it) and its SCIM group memberships, ends its console sessions and CLI logins and revokes
 * the USER keys it created. The SERVICE keys it created keep working and are reported. Undefined when the user was
 * already deleted (nothing written). Throws LastActiveAdmin.
 */
export async function deleteWithin(
  trx: Trx, changes: ChangeSet, input: { accountId: number; userId: number; now: string },
): Promise<DeletionReport | undefined> {
  const store = forAccount(trx, input.accountId);
  const records = forAccount(trx, input.accountId).deprovisioning;
  const { userId, now } = input;
  await requireAnotherActiveAdmin(trx, input.accountId, userId);
  if (!await store.users.markDeleted(userId, now)) return undefined;
  const grants = await store.memberships.removeAllOf(userId);
  const links = await records.removeIdentityLinks(userId);
  const groups = await records.leaveScimGroups(userId);
  const revoked = await endCredentials(trx, changes, input);
  const serviceKeys = await store.apiKeys.serviceKeysCreatedBy(userId, now);
  return {
    user_id: encodeId('User', userId),
    user_keys_revoked: revoked,
    service_keys_kept: serviceKeys.map((k) => encodeId('ApiKey', k.id)),
    grants_removed: { organization_memberships: grants.organizationMemberships, space_memberships: grants.spaceMemberships, role_bindings: grants.roleBindings },
    identity_links_removed: links,
    scim_group_memberships_removed: groups,
  };
}

/**
 * SCIM deprovisioning cannot ask what to do with the SERVICE keys the person created (identity.md §5.5), so after its
 * commit the account's ACTIVE admins get a mail naming them (never their secrets) with a link to the API-keys page.
 * Best-effort: nothing to mail when no key keeps working, and a failure is logged, never thrown — the deprovisioning
 * is done and its audit row lists the keys anyway.
 */
export async function mailAdminsAboutServiceKeys(ctx: ServiceDeps, accountId: number, report: DeactivationReport | DeletionReport): Promise<void> {
  if (report.service_keys_kept.length === 0) return;
  try {
    const store = forAccount(ctx.store.db, accountId);
    const person = await store.users.find(decodeId('User', report.user_id, 'user_id'));
    const rows = await Promise.all(report.service_keys_kept.map((id) => store.apiKeys.find(decodeId('ApiKey', id, 'api_key_id'))));
    const keys = rows.flatMap((k) => (k ? [{ name: k.name, redactedKey: redactKey(k.public_id, k.last4) }] : []));
    if (!person || keys.length === 0) return;
    const details = { deleted: 'grants_removed' in report, keys, link: `${ctx.config.publicUrl}/settings/api-keys?tab=service` };
    const admins = await forAccount(ctx.store.db, accountId).deprovisioning.activeAdmins();
    const sent = await Promise.allSettled(admins.map((admin) => ctx.mailer.send(orphanedServiceKeysMail(admin, person, details))));
    for (const [i, outcome] of sent.entries()) {
      if (outcome.status === 'rejected') {
        ctx.log.error({ to: admins[i]!.email, error: String(outcome.reason) }, 'could not mail an admin about the service keys of a deprovisioned user');
      }
    }
  } catch (error) {
    ctx.log.error({ user_id: report.user_id, error: error instanceof Error ? error.message : String(error) }, 'could not mail the admins about orphaned service keys');
  }
}

/** Throws LastActiveAdmin when the user is the account's last ACTIVE admin (the admins' rows stay locked until commit). */
async function requireAnotherActiveAdmin(trx: Trx, accountId: number, userId: number): Promise<void> {
  const admins = await forAccount(trx, accountId).users.lockActiveAdmins();
  if (admins.includes(userId) && !admins.some((a) => a !== userId)) throw new LastActiveAdmin();
}

/**
 * Ends every credential of the person: console sessions and CLI logins, and the USER keys it created (revoked, kept
 * for the audit trail). `changes` names the user and the keys, so that every process refuses them; the revoked keys' ids.
 */
async function endCredentials(trx: Trx, changes: ChangeSet, input: { accountId: number; userId: number; now: string }): Promise<string[]> {
  await endSessions(trx, input.userId, input.now);
  const revoked = await forAccount(trx, input.accountId).apiKeys.revokeUserKeysCreatedBy(input.userId, input.now);
  for (const key of revoked) changes.key(key.public_id);
  changes.user(input.userId);
  return revoked.map((k) => encodeId('ApiKey', k.id));
}

/** Reactivation inside the caller's transaction: false when the user was not deactivated (nothing written). */
export async function reactivateWithin(trx: Trx, changes: ChangeSet, input: { accountId: number; userId: number; now: string }): Promise<boolean> {
  if (!await forAccount(trx, input.accountId).users.setDeactivated(input.userId, null, input.now)) return false;
  changes.user(input.userId);
  return true;
}

/**
 * Reactivates a deactivated person (account admin; audited as `REACTIVATE_USER`): `deactivated_at` is cleared and
 * the stored status shows again (ACTIVE for a user with a password or an SSO link). The keys revoked and the logins
 * ended by the deactivation stay gone: the person signs in and creates new ones. Not deactivated: nothing to do. A user
 * a live provider's SCIM directory manages is reactivated there (422 naming the provider).
 */
export async function reactivateUser(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  requireAccountAdmin(actor.principal, 'reactivate users');
  if ((await findPerson(ctx.store.db, actor, userId)).deactivated_at === null) return;
  const audited: Actor = { ...actor, operation: 'REACTIVATE_USER' };
  await runMutation(ctx, audited, async (trx, changes) => {
    const target = await findPerson(trx, actor, userId);
    const manager = (await forAccount(trx, actor.principal.accountId).deprovisioning.scimManagersOf([target.id])).get(target.id);
    if (manager && target.deactivated_at !== null) {
      // The directory deprovisioned the person and would do it again at its next push: it is the one to undo it.
      throw unprocessable(`user_id: the user is managed by SCIM; reactivate the user in the identity provider (${manager.idp_name})`);
    }
    if (!await reactivateWithin(trx, changes, { accountId: actor.principal.accountId, userId: target.id, now: isoNow(ctx.clock) })) return;
    changes.patchAccess(personEdit(target, mayAuthenticate({ ...target, deactivated_at: null })));
    audited.text = JSON.stringify({ user_id: encodeId('User', target.id) });
  });
}

/**
 * The identity provider whose SCIM directory manages each of these users (wire id and name), for the users list and
 * the user object: an account admin sees why a deactivated user is reactivated in the directory. Empty for others.
 */
export async function scimProvidersOf(ctx: ServiceDeps, principal: Principal, userIds: readonly number[]): Promise<Map<number, { id: string; name: string }>> {
  if (principal.role !== 'ADMIN' || !await hasLiveProvider(ctx, principal.accountId)) return new Map();
  const managers = await forAccount(ctx.store.db, principal.accountId).deprovisioning.scimManagersOf(userIds);
  return new Map([...managers].map(([userId, m]) => [
    userId, { id: encodeProviderId(m.idp_protocol, m.idp_id), name: m.idp_name },
  ]));
}

/**
 * Whether the account has a live identity provider, without which no SCIM directory manages anyone: kept with the
 * account's resource rows until the account changes (ResourceRowCache), so that the users pages of an account
 * without single sign-on do not read their users' identity links. On PostgreSQL that read was a second round trip
 * for every page, about a quarter of the route's rate (issue 13, B7b-pg).
 */
async function hasLiveProvider(ctx: ServiceDeps, accountId: number): Promise<boolean> {
  const providers = forAccount(ctx.store.db, accountId).identityProviders;
  const kept = await ctx.rows.read(accountId, 'identity-providers:any-live', async () => ({ any: await providers.anyLive() }));
  return kept!.any;
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
