import { isoNow } from '../domain/clock.js';
import { type CascadeTally, DeleteCascadeTally } from '../store/repositories/delete-cascade.js';
import type { ServiceDeps } from './service-deps.js';
import { type Actor, type ChangeSet, runMutation, type Trx } from './mutation.js';

/**
 * What deleting an organization, a space or a project takes (or would take) with it: the tally's rows, and the live
 * SERVICE keys whose bot the delete leaves in no space.
 */
export type DeleteCascade = Omit<CascadeTally, 'serviceKeysInASpace'> & { serviceKeysWithoutSpace: number };

class DryRunRollback extends Error {
  constructor(readonly cascade: DeleteCascade) { super('dry run'); }
}

/**
 * Runs a delete (`remove` throws when there is nothing to delete). Without a dry run: one mutation with its audit
 * row, answering nothing. A dry run does the same delete in a transaction that is rolled back — nothing written,
 * nothing audited — and answers what went, counted before and after it in that transaction. `remove` gets the
 * mutation's change set (none on a dry run: nothing is published).
 */
export async function runDelete(
  ctx: ServiceDeps, actor: Actor, dryRun: boolean, remove: (trx: Trx, changes?: ChangeSet) => Promise<void>,
): Promise<DeleteCascade | undefined> {
  if (!dryRun) {
    await runMutation(ctx, actor, remove);
    return undefined;
  }
  const now = isoNow(ctx.clock);
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      const tally = new DeleteCascadeTally(trx, actor.principal.accountId);
      const before = await tally.take(now);
      await remove(trx);
      const after = await tally.take(now);
      throw new DryRunRollback({
        spaces: before.spaces - after.spaces,
        projects: before.projects - after.projects,
        organizationMemberships: before.organizationMemberships - after.organizationMemberships,
        spaceMemberships: before.spaceMemberships - after.spaceMemberships,
        roleBindings: before.roleBindings - after.roleBindings,
        resourceRestrictions: before.resourceRestrictions - after.resourceRestrictions,
        serviceKeysWithoutSpace: before.serviceKeysInASpace - after.serviceKeysInASpace,
      });
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.cascade;
    throw error;
  }
  return undefined;
}
