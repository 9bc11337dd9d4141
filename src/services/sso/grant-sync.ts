import type { AccountRoleKey } from '../../domain/account-roles.js';
import { encodeId, type IdType } from '../../domain/ids.js';
import {
  type DesiredGrant, type DesiredGrants, type GrantKind, type GrantOrigin, type HeldGrant, planChangesNothing, planSync, type Syncer,
  type SyncPlan,
} from '../../role-mapping/index.js';
import { forAccount } from '../../store/account-store.js';
import { type AccessChange, personEdit } from '../../store/change-feed.js';
import { mayAuthenticate } from '../../domain/user-standing.js';
import type { Trx } from '../mutation.js';

/** The wire type of the resource each kind of grant is on. */
const RESOURCE_TYPE: Record<GrantKind, IdType> = {
  ORGANIZATION_MEMBERSHIP: 'Organization', SPACE_MEMBERSHIP: 'Space', SPACE_BINDING: 'Space', PROJECT_BINDING: 'Project',
};

/** The diff of one sync, as its audit row records it (wire ids; `rule` is the mapping position, or why else). */
export interface SyncDiff {
  added: { kind: GrantKind; resource_id: string; role_id: string; rule: number | 'default' | 'implied' }[];
  changed: { kind: GrantKind; resource_id: string; from_role_id: string; to_role_id: string; rule: number | 'default' | 'implied' }[];
  removed: { kind: GrantKind; resource_id: string; role_id: string }[];
  skipped: { kind: GrantKind; resource_id: string; reason: string }[];
  account_role?: { promoted_from: AccountRoleKey } | { demoted_to: AccountRoleKey } | { kept: 'LAST_ACTIVE_ADMIN' } | undefined;
}

export interface SyncOutcome {
  plan: SyncPlan;
  diff: SyncDiff;
  /**
   * True when the sync wrote nothing and kept no account role against its mappings: no audit row is due (a grant
   * skipped because another source holds it would otherwise be reported again on every login).
   */
  unchanged: boolean;
  /**
   * The sync's exact effect on the access snapshot (memberships and role bindings added, changed or removed, row by
   * row, then the user with its new account role when the sync moved it), so that a caller may patch the snapshot
   * instead of rebuilding it.
   */
  accessEdits: AccessChange[];
}

/** `SSO:<idp>` / `SCIM:<idp>`: who promoted an account role (users.role_source). */
const roleSourceOf = (syncer: Syncer) => `${syncer.source}:${syncer.idpId}`;

/** The sync a `users.role_source` names, or undefined for an admin's (null) role. */
export function parseRoleSource(value: string | null): Syncer | undefined {
  const m = value === null ? null : /^(SSO|SCIM):([0-9]+)$/.exec(value);
  return m ? { source: m[1] as Syncer['source'], idpId: Number(m[2]) } : undefined;
}

/**
 * Makes the user's grants written by `syncer` exactly the desired ones, inside the caller's transaction (which also
 * bumps the account's access version, so that every process drops the rights this takes away): plans with the
 * role-mapping engine's `planSync` over the user's rows as they are now, then writes the plan row by row. Rows of
 * another source are never touched (they are reported as skipped), removals delete single rows (never the API's
 * cascades), and the last ACTIVE account ADMIN is never demoted. The privilege ceiling does not apply: the authority
 * is the admin who wrote the mappings.
 */
export async function syncGrants(
  trx: Trx, input: { accountId: number; userId: number; syncer: Syncer; desired: DesiredGrants; now: string },
): Promise<SyncOutcome> {
  const store = forAccount(trx, input.accountId);
  const { userId, syncer, now } = input;
  const rows = await store.syncedGrants.heldBy(userId);
  const held: HeldGrant[] = rows.map((r) => ({
    kind: r.kind, resourceId: r.resourceId, roleId: r.roleId, rowId: r.rowId, source: r.source, sourceIdpId: r.sourceIdpId ?? undefined,
  }));
  const spaceIds = [...held, ...input.desired.grants].filter((g) => g.kind === 'SPACE_MEMBERSHIP').map((g) => g.resourceId);
  const organizationBySpace = await store.syncedGrants.organizationsOf(spaceIds);
  const account = await store.syncedGrants.accountRole(userId);
  if (!account) throw new Error(`user ${userId} vanished during its sync`);
  const admins = await store.users.lockActiveAdmins();
  const promotedBy = parseRoleSource(account.role_source);
  const plan = planSync({
    syncer,
    desired: input.desired,
    held,
    account: {
      role: account.role,
      promotedBy,
      roleBeforeSync: account.role_before_sync ?? undefined,
      otherActiveAdmins: admins.filter((id) => id !== userId).length,
    },
    organizationOf: (spaceId) => organizationBySpace.get(spaceId),
  });

  const added: number[] = [];
  for (const grant of plan.add) {
    added.push(await store.syncedGrants.add(grant.kind, { userId, resourceId: grant.resourceId, roleId: grant.roleId, by: syncer, now }));
  }
  for (const { held: row, to } of plan.change) await store.syncedGrants.changeRole(row.kind, row.rowId, to.roleId, now);
  for (const row of plan.remove) await store.syncedGrants.remove(row.kind, row.rowId);
  if (plan.accountRole?.kind === 'PROMOTE') {
    await store.syncedGrants.setAccountRole(userId, { role: 'ADMIN', roleSource: roleSourceOf(syncer), roleBeforeSync: plan.accountRole.from, now });
  } else if (plan.accountRole?.kind === 'DEMOTE') {
    await store.syncedGrants.setAccountRole(userId, { role: plan.accountRole.to, roleSource: null, roleBeforeSync: null, now });
  }
  return {
    plan, diff: diffOf(plan), unchanged: planChangesNothing(plan) && plan.accountRole?.kind !== 'KEPT', accessEdits: accessEditsOf(plan, userId, mayAuthenticate(account), added),
  };
}

/**
 * The plan as snapshot edits, row by row as syncGrants writes it (`added` = the new rows' ids, in `plan.add` order;
 * a sync's rows never expire), then the user as its account role leaves it (`active`: its standing as read in the
 * transaction; a deactivation's sync demotes a user already deactivated).
 */
function accessEditsOf(plan: SyncPlan, userId: number, active: boolean, added: readonly number[]): AccessChange[] {
  const role = plan.accountRole?.kind === 'PROMOTE' ? 'ADMIN' : plan.accountRole?.kind === 'DEMOTE' ? plan.accountRole.to : undefined;
  const upsert = (id: number, g: { kind: GrantKind; resourceId: number }, roleId: number): AccessChange => {
    switch (g.kind) {
      case 'ORGANIZATION_MEMBERSHIP': return { op: 'upsertOrganizationMembership', membership: { userId, organizationId: g.resourceId, roleId, expiresAt: null } };
      case 'SPACE_MEMBERSHIP': return { op: 'upsertSpaceMembership', membership: { userId, spaceId: g.resourceId, roleId, expiresAt: null } };
      case 'SPACE_BINDING': case 'PROJECT_BINDING':
        return { op: 'upsertBinding', binding: { id, userId, roleId, resourceType: g.kind === 'SPACE_BINDING' ? 'SPACE' : 'PROJECT', resourceId: g.resourceId } };
    }
  };
  const remove = (h: { kind: GrantKind; resourceId: number; rowId: number }): AccessChange => {
    switch (h.kind) {
      case 'ORGANIZATION_MEMBERSHIP': return { op: 'removeOrganizationMembershipRow', userId, organizationId: h.resourceId };
      case 'SPACE_MEMBERSHIP': return { op: 'removeSpaceMembership', userId, spaceId: h.resourceId };
      case 'SPACE_BINDING': case 'PROJECT_BINDING': return { op: 'removeBinding', id: h.rowId };
    }
  };
  return [
    ...plan.add.map((g, i) => upsert(added[i]!, g, g.roleId)),
    ...plan.change.map(({ held, to }) => upsert(held.rowId, held, to.roleId)),
    ...plan.remove.map(remove),
    // Syncs run for people only (a login, a directory's user, a deactivation, which bots never have).
    ...role === undefined ? [] : [personEdit({ id: userId, role }, active)],
  ];
}

function resourceId(grant: { kind: GrantKind; resourceId: number }): string {
  return encodeId(RESOURCE_TYPE[grant.kind], grant.resourceId);
}

function ruleOf(origin: GrantOrigin): number | 'default' | 'implied' {
  return origin.kind === 'rule' ? origin.position : origin.kind;
}

function diffOf(plan: SyncPlan): SyncDiff {
  const added = (g: DesiredGrant) => ({ kind: g.kind, resource_id: resourceId(g), role_id: encodeId('Role', g.roleId), rule: ruleOf(g.origin) });
  const role = plan.accountRole;
  return {
    added: plan.add.map(added),
    changed: plan.change.map(({ held, to }) => ({
      kind: held.kind, resource_id: resourceId(held), from_role_id: encodeId('Role', held.roleId), to_role_id: encodeId('Role', to.roleId), rule: ruleOf(to.origin),
    })),
    removed: plan.remove.map((h) => ({ kind: h.kind, resource_id: resourceId(h), role_id: encodeId('Role', h.roleId) })),
    skipped: plan.skipped.map((s) => ({ kind: s.kind, resource_id: resourceId(s), reason: s.reason })),
    account_role: role === undefined ? undefined
      : role.kind === 'PROMOTE' ? { promoted_from: role.from }
        : role.kind === 'DEMOTE' ? { demoted_to: role.to } : { kept: role.reason },
  };
}
