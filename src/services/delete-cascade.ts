import { isoNow } from '../domain/clock.js';
import type { CascadeTally } from '../store/repositories/delete-cascade.js';
import { measureWholeAccount, principalsOf, type PrincipalPreview, rolledBack } from './dry-run.js';
import type { ServiceDeps } from './service-deps.js';
import { type Actor, type ChangeSet, runMutation, type Trx } from './mutation.js';

/**
 * What deleting an organization, a space or a project takes (or would take) with it: the tally's rows, and the live
 * SERVICE keys whose bot the delete leaves in no space.
 */
export type DeleteCascade = Omit<CascadeTally, 'serviceKeysInASpace'> & {
  serviceKeysWithoutSpace: number;
  /** A dry run's: whose effective permissions the delete moves, and how. */
  principals?: PrincipalPreview[] | undefined;
  /** A dry run's: more changes of access than an answer lists (`principals` empty). */
  principalsOmitted?: boolean | undefined;
};

/**
 * Runs a delete (`remove` throws when there is nothing to delete). Without a dry run: one mutation with its audit
 * row, answering nothing. A dry run does the same delete in a transaction that is rolled back — nothing written,
 * nothing audited — and answers what went, counted before and after it in that transaction, and whose effective
 * permissions it moves (measureWholeAccount: the account's snapshot rebuilt on both sides). `remove` gets the mutation's
 * change set (none on a dry run: nothing is published).
 */
export async function runDelete(
  ctx: ServiceDeps, actor: Actor, dryRun: boolean, remove: (trx: Trx, changes?: ChangeSet) => Promise<void>,
): Promise<DeleteCascade | undefined> {
  if (!dryRun) {
    await runMutation(ctx, actor, remove);
    return undefined;
  }
  const accountId = actor.principal.accountId;
  const measured = await rolledBack(ctx.store.db, (trx) => measureWholeAccount(trx, accountId, isoNow(ctx.clock), () => remove(trx)));
  const { before, after } = measured.rows;
  return {
    spaces: before.spaces - after.spaces,
    projects: before.projects - after.projects,
    organizationMemberships: before.organizationMemberships - after.organizationMemberships,
    spaceMemberships: before.spaceMemberships - after.spaceMemberships,
    roleBindings: before.roleBindings - after.roleBindings,
    resourceRestrictions: before.resourceRestrictions - after.resourceRestrictions,
    serviceKeysWithoutSpace: before.serviceKeysInASpace - after.serviceKeysInASpace,
    ...await principalsOf(ctx, accountId, measured),
  };
}
