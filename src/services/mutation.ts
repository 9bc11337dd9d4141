import type { Transaction } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { AppContext } from '../server/context.js';
import type { AccessChange } from '../store/change-feed.js';
import type { Database } from '../store/schema.js';

/** Who is changing something, from where, and what they asked (for the audit row). */
export interface Actor {
  principal: Principal;
  ip: string;
  /** `operation_name` of the audit row: method + route, e.g. `POST /v2/role-bindings`. */
  operation: string;
  /** The request body with secrets removed (`operation_text`). */
  text?: string | undefined;
  /** Path parameters and query, JSON (`variables`). */
  variables?: string | undefined;
}

/** What a mutation changed, so that every process drops what it cached once the transaction commits. */
export class ChangeSet {
  readonly userIds = new Set<number>();
  readonly keyPublicIds = new Set<string>();
  /** Undefined until the mutation declares exactly how it changed access (then the snapshot is patched, not rebuilt). */
  access: AccessChange[] | undefined;
  user(id: number): void { this.userIds.add(id); }
  key(publicId: string): void { this.keyPublicIds.add(publicId); }
  /** Declares the mutation's complete effect on the access snapshot; only hot, simple paths do this. */
  patchAccess(...edits: AccessChange[]): void { this.access = [...(this.access ?? []), ...edits]; }
}

export type Trx = Transaction<Database>;

/**
 * Runs a change as one transaction together with its audit row: either both land or neither does. After the
 * commit the account's caches are invalidated here and, through the change feed, in every other process.
 * `AX_FAULT_INJECT=<operation>` makes that operation fail after its work, before the commit (tests prove a
 * failure half-way leaves nothing changed).
 */
export async function runMutation<T>(ctx: AppContext, actor: Actor, fn: (trx: Trx, changes: ChangeSet) => Promise<T>): Promise<T> {
  const changes = new ChangeSet();
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const value = await fn(trx, changes);
    await trx.insertInto('audit_logs').values({
      account_id: actor.principal.accountId,
      user_id: actor.principal.userId,
      ip: actor.ip,
      operation_type: 'MUTATION',
      operation_name: actor.operation,
      operation_text: actor.text ?? null,
      variables: actor.variables ?? null,
      created_at: new Date().toISOString(),
    }).execute();
    if (process.env.AX_FAULT_INJECT && process.env.AX_FAULT_INJECT === actor.operation) {
      throw new Error(`fault injected into ${actor.operation}`);
    }
    return value;
  });
  await ctx.changes.publish({
    accountId: actor.principal.accountId,
    userIds: [...changes.userIds],
    keyPublicIds: [...changes.keyPublicIds],
    ...(changes.access ? { access: changes.access } : {}),
  });
  return result;
}
