import type { Kysely } from 'kysely';
import { AccessDiffTooLarge, accessDiff, AccessSnapshot, type AccessDelta, confinedAccessDiff, type ConfinedRows } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { MAX_PREVIEW_CHANGES } from '../domain/preview-bound.js';
import { parseId } from '../domain/ids.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import { forAccount } from '../store/account-store.js';
import { AccessScopeRows } from '../store/repositories/access-scope.js';
import { type CascadeTally, DeleteCascadeTally } from '../store/repositories/delete-cascade.js';
import { savepoint } from '../store/savepoint.js';
import type { Database } from '../store/schema.js';
import { loadWorld } from './access-loader.js';
import type { Actor, Trx } from './mutation.js';
import type { ServiceDeps } from './service-deps.js';

/** What a change removes with it, counted in its own transaction (before minus after). */
interface PreviewCascade {
  organizationMemberships: number;
  spaceMemberships: number;
  roleBindings: number;
  resourceRestrictions: number;
  /** Live SERVICE keys that stop reaching any space. */
  serviceKeys: number;
}

/** One principal whose effective permissions the change moves, with what it gains and loses where. */
export interface PrincipalPreview {
  userId: number;
  isBot: boolean;
  name: string | undefined;
  email: string | undefined;
  changes: AccessDelta[];
}

/** What a change would do to access: the answer of `?dry_run=true`. */
export interface AccessPreview {
  principals: PrincipalPreview[];
  /** More than MAX_PREVIEW_CHANGES changes of access: `principals` is empty, not the list. */
  principalsOmitted: boolean;
  cascade: PreviewCascade;
}

/** A preview computed inside the change's transaction, before the principals are named. */
interface MeasuredChange { deltas: AccessDelta[]; principalsOmitted?: boolean; cascade: PreviewCascade }

/** Thrown by runMutation for a dry-run actor, after rolling the change back: carries the preview out of the service. */
export class DryRunOutcome extends Error {
  constructor(readonly preview: AccessPreview) { super('dry run'); }
}

class Rollback<T> extends Error {
  constructor(readonly value: T) { super('rolled back'); }
}

const NO_CASCADE: PreviewCascade = { organizationMemberships: 0, spaceMemberships: 0, roleBindings: 0, resourceRestrictions: 0, serviceKeys: 0 };

/**
 * Runs `change` as a dry run: the service makes its access decisions as usual, then runMutation makes the change in a
 * transaction that is rolled back and answers the access snapshots' difference before and after it (DryRunOutcome).
 * Nothing is written, nothing is audited, nothing is announced to other processes. A change that reaches no
 * mutation (nothing to do) previews as no change.
 *
 * @example
 * const preview = await previewChange(actor, (dry) => deleteRoleBinding(ctx, dry, bindingId));
 */
export async function previewChange(actor: Actor, change: (actor: Actor) => Promise<unknown>): Promise<AccessPreview> {
  try {
    await change({ ...actor, dryRun: true });
  } catch (error) {
    if (error instanceof DryRunOutcome) return error.preview;
    throw error;
  }
  return { principals: [], principalsOmitted: false, cascade: NO_CASCADE };
}

/** Runs `fn` in a transaction that is always rolled back, answering what `fn` answered. */
export async function rolledBack<T>(db: Kysely<Database>, fn: (trx: Trx) => Promise<T>): Promise<T> {
  const outcome = await db.transaction().execute(async (trx) => { throw new Rollback(await fn(trx)); })
    .catch((error: unknown) => {
      if (error instanceof Rollback) return error as Rollback<T>;
      throw error;
    });
  return outcome.value;
}

/**
 * What a change moves access through, when its service knows it beforehand: nothing but the grants (account role,
 * status, memberships, bindings) of these users and the restrictions of these projects. A dry run of such a change
 * reads just their rows (see measureWithin); any other change is measured on the whole account.
 */
export interface ConfinedScope {
  users?: readonly number[] | undefined;
  projects?: readonly number[] | undefined;
}

/**
 * The scope of a change to one user's grants, the user named by a wire id (`User:…`); an id that does not parse
 * confines to no one (the change refuses it anyway).
 *
 * @example
 * runGrant(ctx, actor, grant, { confinedTo: confinedToUser(input.user_id) });
 */
export function confinedToUser(userId: string): ConfinedScope {
  const parsed = parseId(userId);
  return { users: parsed?.type === 'User' ? [parsed.n] : [] };
}

/**
 * Measures `work` inside the transaction `trx` (which the caller rolls back): the difference of the account's
 * access before and after it, and the rows removed with it, both as the transaction sees them — so every cascade
 * the database applies is counted and nothing is predicted. `work` runs after a savepoint; what it wrote is read,
 * then rolled back to the savepoint and read again as it was.
 *
 * A change `confined` to a few users and projects reads only their rows and diffs them on `base` (the account's
 * cached snapshot) with confinedAccessDiff: microseconds of engine time whatever the account's size. Any other
 * change rebuilds the account's snapshot from the transaction's rows on both sides and diffs them whole.
 *
 * @example
 * const measured = await rolledBack(db, (trx) => measureWithin(trx, snapshot, now, { users: [4] }, () => change(trx)));
 */
export async function measureWithin(
  trx: Trx, base: AccessSnapshot, now: string, confined: ConfinedScope | undefined, work: () => Promise<unknown>,
): Promise<MeasuredChange> {
  if (confined === undefined) return measureWholeAccount(trx, base.accountId, now, work);
  const accountId = base.accountId;
  const point = await savepoint(trx, 'dry_run_change');
  await work();
  const users = [...new Set(confined.users ?? [])];
  const projects = [...new Set(confined.projects ?? [])];
  const scope = new AccessScopeRows(trx, accountId);
  const after = await scope.read(users, projects);
  await point.rollBack();
  const before = await scope.read(users, projects);
  const deltas = confinedAccessDiff(base, users, confinedRows(before, projects), confinedRows(after, projects), Date.parse(now));
  return { deltas, cascade: await confinedCascade(scope, before, after, now) };
}

/** A change measured on the whole account, with the account's cascadable rows as they were before and after it. */
export interface WholeAccountChange extends MeasuredChange {
  rows: { before: CascadeTally; after: CascadeTally };
}

/**
 * measureWithin's way with a change it cannot confine (a delete of an organization, a space or a project): after a
 * savepoint, `work`, then the account's snapshot rebuilt and its cascadable rows counted; rolled back to the
 * savepoint, both again. The counts are answered too, so a delete's dry run (delete-cascade.ts) counts the account
 * once on each side (each count reads every cascadable row of the account).
 */
export async function measureWholeAccount(trx: Trx, accountId: number, now: string, work: () => Promise<unknown>): Promise<WholeAccountChange> {
  const point = await savepoint(trx, 'dry_run_change');
  await work();
  const tally = new DeleteCascadeTally(trx, accountId);
  const after = await snapshotWithin(trx, accountId, now);
  const rowsAfter = await tally.take(now);
  await point.rollBack();
  const before = await snapshotWithin(trx, accountId, now);
  const rowsBefore = await tally.take(now);
  return { ...boundedDiff(before, after), cascade: removed(rowsBefore, rowsAfter), rows: { before: rowsBefore, after: rowsAfter } };
}

/** accessDiff stopped past MAX_PREVIEW_CHANGES (domain/preview-bound.ts): then no deltas, and the principals omitted. */
function boundedDiff(before: AccessSnapshot, after: AccessSnapshot): { deltas: AccessDelta[]; principalsOmitted: boolean } {
  try {
    return { deltas: accessDiff(before, after, MAX_PREVIEW_CHANGES), principalsOmitted: false };
  } catch (error) {
    if (!(error instanceof AccessDiffTooLarge)) throw error;
    return { deltas: [], principalsOmitted: true };
  }
}

/**
 * Measures `work` inside `trx` on the whole account, as measureWithin does a change it cannot confine, for a
 * transaction that commits (an access document's apply), so the answer of an apply is measured as its plan's was.
 */
export async function measureCommitted(trx: Trx, accountId: number, now: string, work: () => Promise<unknown>): Promise<MeasuredChange> {
  const tally = new DeleteCascadeTally(trx, accountId);
  const rowsBefore = await tally.take(now);
  const before = await snapshotWithin(trx, accountId, now);
  await work();
  const after = await snapshotWithin(trx, accountId, now);
  return { ...boundedDiff(before, after), cascade: removed(rowsBefore, await tally.take(now)) };
}

type ScopeRows = Awaited<ReturnType<AccessScopeRows['read']>>;

function confinedRows(rows: ScopeRows, projects: readonly number[]): ConfinedRows {
  const restricted = new Set(rows.restrictedProjectIds);
  return {
    users: rows.users.map((u) => ({ id: u.id, role: u.role, active: mayAuthenticate(u), isBot: u.is_bot === 1 })),
    organizationMemberships: rows.organizationMemberships,
    spaceMemberships: rows.spaceMemberships,
    roleBindings: rows.roleBindings,
    restricted: new Map(projects.map((id) => [id, restricted.has(id)])),
  };
}

/** The confined rows the change removes, and the live service keys of bots it leaves in no space. */
async function confinedCascade(scope: AccessScopeRows, before: ScopeRows, after: ScopeRows, now: string): Promise<PreviewCascade> {
  const inASpace = (rows: ScopeRows) => new Set(rows.spaceMemberships.map((m) => m.userId));
  const stillIn = inASpace(after);
  const leaving = [...inASpace(before)].filter((id) => !stillIn.has(id) && before.users.some((u) => u.id === id && u.is_bot === 1));
  const fewer = (a: readonly unknown[], b: readonly unknown[]) => Math.max(0, a.length - b.length);
  return {
    organizationMemberships: fewer(before.organizationMemberships, after.organizationMemberships),
    spaceMemberships: fewer(before.spaceMemberships, after.spaceMemberships),
    roleBindings: fewer(before.roleBindings, after.roleBindings),
    resourceRestrictions: fewer(before.restrictedProjectIds, after.restrictedProjectIds),
    serviceKeys: await scope.liveServiceKeys(leaving, now),
  };
}

/** The account's snapshot as the transaction sees it, without the grants expired at `now` (not yet swept). */
async function snapshotWithin(trx: Trx, accountId: number, now: string): Promise<AccessSnapshot> {
  const snapshot = AccessSnapshot.build(await loadWorld(trx, accountId));
  snapshot.expire(Date.parse(now));
  return snapshot;
}

/** A removal's or a delete's principals, and whether they were omitted (describeChange without the cascade). */
export async function principalsOf(ctx: ServiceDeps, accountId: number, measured: MeasuredChange): Promise<{ principals: PrincipalPreview[]; principalsOmitted: boolean }> {
  const { principals, principalsOmitted } = await describeChange(ctx, accountId, measured);
  return { principals, principalsOmitted };
}

/** Groups the deltas by principal and names each one (read after the rollback: the rows as they are). */
export async function describeChange(ctx: ServiceDeps, accountId: number, measured: MeasuredChange): Promise<AccessPreview> {
  // The one bound of every answer: a whole-account difference stopped building past it (boundedDiff); a confined
  // one (a restriction on a project every user reaches, say) is counted here.
  if (measured.principalsOmitted === true || measured.deltas.length > MAX_PREVIEW_CHANGES) {
    return { principals: [], principalsOmitted: true, cascade: measured.cascade };
  }
  const byUser = new Map<number, AccessDelta[]>();
  for (const d of measured.deltas) {
    const list = byUser.get(d.userId);
    if (list === undefined) byUser.set(d.userId, [d]);
    else list.push(d);
  }
  const ids = [...byUser.keys()];
  const rows = ids.length === 0 ? [] : await forAccount(ctx.store.db, accountId).users.findActing(ids, isoNow(ctx.clock));
  const named = new Map(rows.map((r) => [r.id, r]));
  return {
    principals: ids.map((userId) => {
      const changes = byUser.get(userId)!;
      const row = named.get(userId);
      return { userId, isBot: changes[0]!.isBot, name: row?.name, email: row?.email, changes };
    }),
    principalsOmitted: false,
    cascade: measured.cascade,
  };
}

function removed(before: CascadeTally, after: CascadeTally): PreviewCascade {
  return {
    organizationMemberships: Math.max(0, before.organizationMemberships - after.organizationMemberships),
    spaceMemberships: Math.max(0, before.spaceMemberships - after.spaceMemberships),
    roleBindings: Math.max(0, before.roleBindings - after.roleBindings),
    resourceRestrictions: Math.max(0, before.resourceRestrictions - after.resourceRestrictions),
    serviceKeys: Math.max(0, before.serviceKeysInASpace - after.serviceKeysInASpace),
  };
}
