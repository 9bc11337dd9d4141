import type { AccountRoleKey } from '../domain/account-roles.js';
import type { DesiredGrant, DesiredGrants, GrantKind } from './desired-grants.js';

/** Who wrote a grant: an admin (`MANUAL`: the API, the console, the CLI) or an identity provider's sync. */
export type GrantSource = 'MANUAL' | 'SSO' | 'SCIM';

/** The sync that plans: its source and its identity provider. It touches only rows it wrote itself. */
export interface Syncer { source: 'SSO' | 'SCIM'; idpId: number }

/** A membership or role binding the user holds now. */
export interface HeldGrant {
  kind: GrantKind;
  resourceId: number;
  roleId: number;
  rowId: number;
  source: GrantSource;
  /** The identity provider of an `SSO` or `SCIM` row. */
  sourceIdpId?: number | undefined;
}

export interface HeldAccountRole {
  role: AccountRoleKey;
  /** The sync that promoted the user to ADMIN, if one did. */
  promotedBy?: Syncer | undefined;
  /** The role a sync promoted the user from. */
  roleBeforeSync?: AccountRoleKey | undefined;
  /** ACTIVE human ADMINs of the account other than this user. */
  otherActiveAdmins: number;
}

export type SkipReason = 'HELD_BY_ANOTHER_SOURCE' | 'NEEDED_BY_A_SPACE_MEMBERSHIP';

/** What a sync does: each list sorted by kind, then resource id. An empty plan changes nothing. */
export interface SyncPlan {
  add: DesiredGrant[];
  change: { held: HeldGrant; to: DesiredGrant }[];
  remove: HeldGrant[];
  /** Left alone, with why: a desired grant on a resource another source holds, or a row the sync must keep. */
  skipped: { kind: GrantKind; resourceId: number; reason: SkipReason }[];
  /** KEPT: the sync would demote the user it promoted, but the user is the last ACTIVE account ADMIN. */
  accountRole: { kind: 'PROMOTE'; from: AccountRoleKey } | { kind: 'DEMOTE'; to: AccountRoleKey } | { kind: 'KEPT'; reason: 'LAST_ACTIVE_ADMIN' } | undefined;
}

export interface SyncInput {
  syncer: Syncer;
  desired: DesiredGrants;
  held: readonly HeldGrant[];
  account: HeldAccountRole;
  /** The organization a space belongs to (removing an organization membership takes the user's memberships in its spaces). */
  organizationOf(spaceId: number): number | undefined;
}

const KIND_ORDER: readonly GrantKind[] = ['ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING'];
const byResource = <T extends { kind: GrantKind; resourceId: number }>(a: T, b: T) =>
  KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.resourceId - b.resourceId;
const slot = (g: { kind: GrantKind; resourceId: number }) => `${g.kind}:${g.resourceId}`;

/** True when `held` was written by this sync (same source and identity provider). */
export function writtenBy(held: Pick<HeldGrant, 'source' | 'sourceIdpId'>, syncer: Syncer): boolean {
  return held.source === syncer.source && held.sourceIdpId === syncer.idpId;
}

/**
 * Plans a sync: the rows this sync wrote become exactly the desired grants, and nothing else moves.
 * - A desired grant on a resource that a row of another source holds (above all MANUAL) is skipped: the first
 *   source to hold a resource keeps it until that source drops it.
 * - This sync's own organization membership stays while the user keeps a membership in one of its spaces
 *   (removing it would take those with it).
 * - The account role: promoted to ADMIN when a rule says so; demoted only when this sync promoted it, back to
 *   the role before, and never when the user is the last ACTIVE admin.
 * Each removal deletes that one row and nothing else (never the API's cascades: a space membership's removal must
 * not take an admin's bindings on the space with it). Applying the plan and planning again gives an empty plan.
 *
 * @example
 * const plan = planSync({ syncer: { source: 'SSO', idpId: 2 }, desired, held, account, organizationOf });
 * plan.add; plan.remove; plan.skipped;
 */
export function planSync(input: SyncInput): SyncPlan {
  const { syncer, desired, held, account } = input;
  const heldBySlot = new Map(held.map((h) => [slot(h), h]));
  const desiredSlots = new Set(desired.grants.map(slot));
  const plan: SyncPlan = { add: [], change: [], remove: [], skipped: [], accountRole: undefined };
  for (const grant of desired.grants) {
    const current = heldBySlot.get(slot(grant));
    if (current === undefined) plan.add.push(grant);
    else if (!writtenBy(current, syncer)) plan.skipped.push({ kind: grant.kind, resourceId: grant.resourceId, reason: 'HELD_BY_ANOTHER_SOURCE' });
    else if (current.roleId !== grant.roleId) plan.change.push({ held: current, to: grant });
  }
  const orphans = held.filter((h) => writtenBy(h, syncer) && !desiredSlots.has(slot(h)));
  const removedSpaces = new Set(orphans.filter((h) => h.kind === 'SPACE_MEMBERSHIP').map((h) => h.resourceId));
  const organizationsInUse = new Set<number>();
  for (const h of held) {
    if (h.kind === 'SPACE_MEMBERSHIP' && !removedSpaces.has(h.resourceId)) organizationsInUse.add(input.organizationOf(h.resourceId) ?? -1);
  }
  for (const grant of plan.add) {
    if (grant.kind === 'SPACE_MEMBERSHIP') organizationsInUse.add(input.organizationOf(grant.resourceId) ?? -1);
  }
  for (const orphan of orphans) {
    if (orphan.kind === 'ORGANIZATION_MEMBERSHIP' && organizationsInUse.has(orphan.resourceId)) {
      plan.skipped.push({ kind: orphan.kind, resourceId: orphan.resourceId, reason: 'NEEDED_BY_A_SPACE_MEMBERSHIP' });
    } else {
      plan.remove.push(orphan);
    }
  }
  if (desired.accountAdmin !== undefined && account.role !== 'ADMIN') {
    plan.accountRole = { kind: 'PROMOTE', from: account.role };
  } else if (desired.accountAdmin === undefined && account.role === 'ADMIN' && account.promotedBy && sameSyncer(account.promotedBy, syncer)) {
    plan.accountRole = account.otherActiveAdmins === 0
      ? { kind: 'KEPT', reason: 'LAST_ACTIVE_ADMIN' }
      : { kind: 'DEMOTE', to: account.roleBeforeSync ?? 'MEMBER' };
  }
  plan.add.sort(byResource);
  plan.change.sort((a, b) => byResource(a.held, b.held));
  plan.remove.sort(byResource);
  plan.skipped.sort(byResource);
  return plan;
}

/** True when applying the plan writes nothing. */
export function planChangesNothing(plan: SyncPlan): boolean {
  return plan.add.length === 0 && plan.change.length === 0 && plan.remove.length === 0
    && (plan.accountRole === undefined || plan.accountRole.kind === 'KEPT');
}

function sameSyncer(a: Syncer, b: Syncer): boolean {
  return a.source === b.source && a.idpId === b.idpId;
}
