import type { Kysely } from 'kysely';
import { accessDiff, AccessSnapshot, type AccessDelta } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { forAccount } from '../store/account-store.js';
import { type CascadeTally, DeleteCascadeTally } from '../store/repositories/delete-cascade.js';
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
  cascade: PreviewCascade;
}

/** A preview computed inside the change's transaction, before the principals are named. */
interface MeasuredChange { deltas: AccessDelta[]; cascade: PreviewCascade }

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
  return { principals: [], cascade: NO_CASCADE };
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
 * Measures `work` inside the transaction `trx`: the account's access snapshot as the transaction sees it before
 * and after (rebuilt from its rows, so every cascade the database applies is counted, nothing is predicted), and
 * the rows removed with it.
 */
export async function measureWithin(trx: Trx, accountId: number, now: string, work: () => Promise<unknown>): Promise<MeasuredChange> {
  const tally = new DeleteCascadeTally(trx, accountId);
  const rowsBefore = await tally.take(now);
  const before = await snapshotWithin(trx, accountId, now);
  await work();
  const after = await snapshotWithin(trx, accountId, now);
  return { deltas: accessDiff(before, after), cascade: removed(rowsBefore, await tally.take(now)) };
}

/** The account's snapshot as the transaction sees it, without the grants expired at `now` (not yet swept). */
async function snapshotWithin(trx: Trx, accountId: number, now: string): Promise<AccessSnapshot> {
  const snapshot = AccessSnapshot.build(await loadWorld(trx, accountId));
  snapshot.expire(Date.parse(now));
  return snapshot;
}

/** Groups the deltas by principal and names each one (read after the rollback: the rows as they are). */
export async function describeChange(ctx: ServiceDeps, accountId: number, measured: MeasuredChange): Promise<AccessPreview> {
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
