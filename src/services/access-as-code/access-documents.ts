import { isoNow } from '../../domain/clock.js';
import type { Principal } from '../../domain/principal.js';
import { AccessDocumentRepository } from '../../store/repositories/access-document.js';
import { requireAccountAdmin } from '../authorize.js';
import { type AccessPreview, describeChange, measureCommitted, previewChange } from '../dry-run.js';
import { type Actor, runMutation } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { accountState } from './account-state.js';
import { applyPlan } from './apply-plan.js';
import type { AccessDocument } from './document.js';
import { exportDocument } from './export-document.js';
import { type Operation, planDocument } from './plan.js';

/** A plan (or an apply): its operations, and what they do to access, as a dry run says it. */
export interface DocumentOutcome {
  operations: Operation[];
  preview: AccessPreview;
}

/** A document that changes nothing: the transaction is rolled back, nothing audited. */
class NothingToApply extends Error {
  constructor() { super('nothing to apply'); }
}

const NO_CHANGE: AccessPreview = {
  principals: [], principalsOmitted: false, cascade: { organizationMemberships: 0, spaceMemberships: 0, roleBindings: 0, resourceRestrictions: 0, serviceKeys: 0 },
};

/** The account's access document (account admins only), read in one transaction. */
export async function exportAccessDocument(ctx: ServiceDeps, principal: Principal): Promise<AccessDocument> {
  requireAccountAdmin(principal, 'export the account\'s access');
  const rows = await ctx.store.db.transaction().setAccessMode('read only').execute((trx) => new AccessDocumentRepository(trx, principal.accountId).read());
  return exportDocument(accountState(rows, isoNow(ctx.clock)));
}

/**
 * What applying the document would do: the apply itself, made in a transaction that is rolled back (previewChange),
 * so the operations and the rights diff are exactly those of an apply made now. Nothing is written or audited.
 */
export async function planAccessDocument(ctx: ServiceDeps, actor: Actor, doc: AccessDocument, options: { prune: boolean }): Promise<DocumentOutcome> {
  requireAccountAdmin(actor.principal, 'plan access changes');
  let operations: Operation[] = [];
  try {
    const preview = await previewChange(actor, (dry) => applyDocument(ctx, dry, doc, options, (planned) => { operations = planned; }));
    return { operations, preview };
  } catch (error) {
    if (error instanceof NothingToApply) return { operations: [], preview: NO_CHANGE };
    throw error;
  }
}

/**
 * Applies the document in one transaction, all or nothing: the account's state is read inside it, planned against
 * the document and changed operation by operation (each audited); any error rolls every one of them back.
 * Account admins only. Answers the operations made and the rights they moved.
 */
export async function applyAccessDocument(ctx: ServiceDeps, actor: Actor, doc: AccessDocument, options: { prune: boolean }): Promise<DocumentOutcome> {
  requireAccountAdmin(actor.principal, 'apply access changes');
  let operations: Operation[] = [];
  try {
    const measured = await applyDocument(ctx, actor, doc, options, (planned) => { operations = planned; });
    return { operations, preview: await describeChange(ctx, actor.principal.accountId, measured!) };
  } catch (error) {
    if (error instanceof NothingToApply) return { operations: [], preview: NO_CHANGE };
    throw error;
  }
}

/** One mutation: read, plan, apply (measuring the rights it moves, unless runMutation measures a dry run itself). */
function applyDocument(ctx: ServiceDeps, actor: Actor, doc: AccessDocument, options: { prune: boolean }, planned: (operations: Operation[]) => void) {
  const accountId = actor.principal.accountId;
  return runMutation(ctx, actor, async (trx, changes) => {
    const now = isoNow(ctx.clock);
    const state = accountState(await new AccessDocumentRepository(trx, accountId).read(), now);
    const operations = planDocument(doc, state, { prune: options.prune, now: ctx.clock.now() });
    if (operations.length === 0) throw new NothingToApply();
    planned(operations);
    const work = () => applyPlan(ctx, trx, actor, changes, operations, now);
    if (actor.dryRun) {
      await work();
      return undefined;
    }
    return measureCommitted(trx, accountId, now, work);
  });
}
