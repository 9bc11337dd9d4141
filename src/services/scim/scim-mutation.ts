import { isoNow } from '../../domain/clock.js';
import { encodeId } from '../../domain/ids.js';
import { forAccount } from '../../store/account-store.js';
import { ChangeSet, type Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ScimCaller } from './scim-caller.js';

/** What a SCIM change records in its audit row: `operation_name` is method + route (`PATCH /scim/v2/Users/{id}`). */
export interface ScimOperation {
  operation: string;
  /** The request body with secrets (a `password`) removed. */
  text?: string | undefined;
  /** Path parameters, e.g. `{ id }`. */
  params?: Record<string, string> | undefined;
}

/**
 * Runs a directory's change as one transaction with its audit row, like `runMutation` for people (services/mutation.ts):
 * the account's access version is bumped first (provisioning may take rights away), the audit row has no user —
 * `variables.actor` names the SCIM token — and what changed is announced inside the transaction, so every process
 * refuses a deprovisioned user's credentials once it commits.
 */
export async function runScimMutation<T>(
  ctx: ServiceDeps, caller: ScimCaller, op: ScimOperation, fn: (trx: Trx, changes: ChangeSet) => Promise<T>,
): Promise<T> {
  const changes = new ChangeSet();
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const store = forAccount(trx, caller.accountId);
    // Recorded on the change: every process can then apply the edits a change declared, at this version.
    changes.bumpedTo(await store.accessVersion.bump());
    const value = await fn(trx, changes);
    await store.auditLogs.recordMutation({
      userId: null, ip: caller.ip, operation: op.operation, text: op.text,
      variables: JSON.stringify({ actor: `scim_token:${encodeId('ScimToken', caller.tokenId)}`, ...op.params }),
      at: isoNow(ctx.clock),
    });
    await ctx.changes.announceWithin(trx, changes.toChange(caller.accountId));
    return value;
  });
  ctx.changes.deliverHere(changes.toChange(caller.accountId));
  return result;
}
