import { encodeId, encodeProviderId } from '../../domain/ids.js';
import { evaluateMappings } from '../../role-mapping/index.js';
import { forAccount } from '../../store/account-store.js';
import type { AccessChange } from '../../store/change-feed.js';
import { loadMappingInput } from '../identity-providers/mapping-input.js';
import type { ChangeSet, Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { syncGrants } from '../sso/grant-sync.js';

export interface ScimSyncInput {
  accountId: number;
  idpId: number;
  userIds: readonly number[];
  now: string;
  /** The directory's address, for the audit rows. */
  ip: string;
  /** The caller's change set: every user whose rights moved is added to it. */
  changes?: ChangeSet | undefined;
}

/**
 * Recomputes the `SCIM` grants of these users from one identity provider's role mappings (identity.md §4.4, §5.6),
 * inside the caller's transaction: each user's attribute map is `{group, groups}` = the display names and external
 * ids of its SCIM groups of the provider (the same values under both names, §4.1), evaluated with the provider's
 * rules and, when it allows default logins, its defaults; then the user's rows written by this provider's SCIM become
 * exactly that (MANUAL and SSO rows stay, reported as skipped). One `SCIM_SYNC <idp>` audit row per user whose grants
 * moved or were skipped. Deleted and deactivated users are left out (deactivation took their synced grants away;
 * reactivation syncs them again), as is everyone when the provider was deleted.
 *
 * Answers the access snapshot's edits of what the syncs moved (grants and account roles). The caller declares them
 * (ChangeSet.patchAccess) together with its own: a group's rows are not in the snapshot, a person's creation or
 * standing is (upsertUser).
 */
export async function syncScimGrants(trx: Trx, _ctx: ServiceDeps, input: ScimSyncInput): Promise<AccessChange[]> {
  const store = forAccount(trx, input.accountId);
  const idp = await store.identityLinks.liveProvider(input.idpId);
  const edits: AccessChange[] = [];
  if (idp && input.userIds.length > 0) {
    const { rules, context } = await loadMappingInput(store, idp);
    const syncer = { source: 'SCIM' as const, idpId: idp.id };
    const groupNames = await store.scimGroups.groupNamesOf(idp.id, input.userIds);
    const holders = await store.syncedGrants.holdersAmong(syncer, input.userIds);
    const idpWireId = encodeProviderId(idp.protocol, idp.id);
    for (const userId of [...new Set(input.userIds)].sort((a, b) => a - b)) {
      const names = groupNames.get(userId) ?? [];
      const desired = evaluateMappings(rules, { group: names, groups: names }, context);
      if (desired.grants.length === 0 && desired.accountAdmin === undefined && !holders.has(userId)) continue;
      const user = await store.users.findLive(userId);
      if (!user || user.deactivated_at !== null) continue;
      const sync = await syncGrants(trx, { accountId: input.accountId, userId, syncer, desired, now: input.now });
      // Unlike a login, a directory's change is an event: a grant it could not take (a MANUAL row holds the
      // resource) is reported each time, so that the admins see why the mapping did not apply.
      if (sync.unchanged && sync.diff.skipped.length === 0) continue;
      await store.auditLogs.recordMutation({
        userId: null, ip: input.ip, operation: `SCIM_SYNC ${idpWireId}`, text: JSON.stringify(sync.diff),
        variables: JSON.stringify({ user_id: encodeId('User', userId), matched_rules: desired.matchedRules, defaults_used: desired.usedDefaults }),
        at: input.now,
      });
      if (sync.unchanged) continue;
      input.changes?.user(userId);
      edits.push(...sync.accessEdits);
    }
  }
  return edits;
}

/**
 * After an admin changed the provider's mappings or defaults (§4.4): the `SCIM` grants of everyone its directory
 * manages — the users it provisioned or took over, its groups' members, the holders of a grant it wrote — are
 * recomputed in the admin's transaction, so access follows the new rules at once rather than at the next push.
 * Answers the snapshot's edits as syncScimGrants does.
 */
export async function resyncScimProvider(
  trx: Trx, ctx: ServiceDeps, input: { accountId: number; idpId: number; now: string; ip: string; changes: ChangeSet },
): Promise<AccessChange[]> {
  const userIds = await forAccount(trx, input.accountId).scimGroups.usersToResync(input.idpId);
  return syncScimGrants(trx, ctx, { ...input, userIds });
}
