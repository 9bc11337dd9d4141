import { accessDiff, type AccessDelta, AccessSnapshot } from '../../access/index.js';
import { type CascadeTally, DeleteCascadeTally } from '../../store/repositories/delete-cascade.js';
import { loadWorld } from '../access-loader.js';
import type { Trx } from '../mutation.js';

/** What a real apply did to access, as a dry run measures it (describeChange names the principals). */
interface AppliedChange {
  deltas: AccessDelta[];
  cascade: { organizationMemberships: number; spaceMemberships: number; roleBindings: number; resourceRestrictions: number; serviceKeys: number };
}

/**
 * Runs `work` inside the apply's own transaction and answers what it moved: the account's snapshot as the
 * transaction sees it before and after (rebuilt from its rows, grants past their end left out), and the rows it
 * removed. The same measure as a dry run's whole-account one, on a transaction that commits, so an apply answers
 * exactly what its plan said.
 */
export async function measureApply(trx: Trx, accountId: number, now: string, work: () => Promise<void>): Promise<AppliedChange> {
  const tally = new DeleteCascadeTally(trx, accountId);
  const rowsBefore = await tally.take(now);
  const before = await snapshotWithin(trx, accountId, now);
  await work();
  const after = await snapshotWithin(trx, accountId, now);
  return { deltas: accessDiff(before, after), cascade: removed(rowsBefore, await tally.take(now)) };
}

async function snapshotWithin(trx: Trx, accountId: number, now: string): Promise<AccessSnapshot> {
  const snapshot = AccessSnapshot.build(await loadWorld(trx, accountId));
  snapshot.expire(Date.parse(now));
  return snapshot;
}

function removed(before: CascadeTally, after: CascadeTally): AppliedChange['cascade'] {
  const fewer = (a: number, b: number) => Math.max(0, a - b);
  return {
    organizationMemberships: fewer(before.organizationMemberships, after.organizationMemberships),
    spaceMemberships: fewer(before.spaceMemberships, after.spaceMemberships),
    roleBindings: fewer(before.roleBindings, after.roleBindings),
    resourceRestrictions: fewer(before.resourceRestrictions, after.resourceRestrictions),
    serviceKeys: fewer(before.serviceKeysInASpace, after.serviceKeysInASpace),
  };
}
