import type { Transaction } from 'kysely';
import type { AccessSnapshot } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { ApiError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { type ConfinedScope, describeChange, DryRunOutcome, measureWithin, rolledBack } from './dry-run.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import { flushedTransaction } from '../store/flushed-transaction.js';
import type { AccessChange, Change } from '../store/change-feed.js';
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
  /** Make the change in a transaction that is rolled back and throw its preview (see previewChange in dry-run.ts). */
  dryRun?: boolean | undefined;
  /** Writes that belong to the change (an access review's decision), made in its transaction before the audit row. */
  within?: ((trx: Trx) => Promise<void>) | undefined;
}

/** What a mutation changed, so that every process drops what it cached once the transaction commits. */
export class ChangeSet {
  readonly userIds = new Set<number>();
  readonly keyPublicIds = new Set<string>();
  readonly idpIds = new Set<number>();
  /** Undefined until the mutation declares exactly how it changed access (then the snapshot is patched, not rebuilt). */
  access: AccessChange[] | undefined;
  #rebuild = false;
  /** The access version the change raised the account to, when it took rights away (see Change.accessVersion). */
  accessVersion: number | undefined;
  user(id: number): void { this.userIds.add(id); }
  key(publicId: string): void { this.keyPublicIds.add(publicId); }
  /** An identity provider whose configuration or mappings changed. */
  idp(id: number): void { this.idpIds.add(id); }
  /** Declares the mutation's complete effect on the access snapshot; only hot, simple paths do this. */
  patchAccess(...edits: AccessChange[]): void { if (!this.#rebuild) this.access = [...(this.access ?? []), ...edits]; }
  /**
   * Declares that the mutation moved nothing the snapshot holds (names, keys, passwords): every process keeps its
   * snapshot, at the new access version. A bot retired meanwhile still makes it a rebuild (rebuildAccess).
   */
  keepsAccess(): void { this.patchAccess(); }
  /** The mutation also moved access in a way no edit describes (a bot retired with its last key): every process rebuilds. */
  rebuildAccess(): void {
    this.#rebuild = true;
    this.access = undefined;
  }
  /** Records the version runMutation's bump answered; answers it. */
  bumpedTo(version: number): number { return this.accessVersion = version; }

  toChange(accountId: number): Change {
    return {
      accountId,
      userIds: [...this.userIds],
      keyPublicIds: [...this.keyPublicIds],
      ...(this.idpIds.size > 0 ? { idpIds: [...this.idpIds] } : {}),
      ...(this.access ? { access: this.access } : {}),
      ...(this.accessVersion === undefined ? {} : { accessVersion: this.accessVersion }),
    };
  }
}

export type Trx = Transaction<Database>;

/**
 * How a change relates to rights. By default a mutation may take rights away (a removal, a role or restriction
 * change, a delete, a revoke), so it bumps the account's access version as its first statement. A grant instead
 * names the access version its decision was made at (`grantedAt`): the transaction reads the current version
 * first — `FOR SHARE` on PostgreSQL, so a concurrent rights change waits for the grant or the grant waits for it
 * and then sees it; a SQLite transaction holds the write lock from its BEGIN — and throws StaleAccess when it
 * differs, before writing anything. A grant that can also lower rights (an upsert, a role change) sets
 * `alsoTakesAway`: it bumps and compares in one statement.
 */
export interface MutationOptions {
  grantedAt?: number | undefined;
  alsoTakesAway?: boolean | undefined;
  /** What the change moves access through, when it is that narrow: its dry run reads just those rows (see ConfinedScope). */
  confinedTo?: ConfinedScope | undefined;
  /**
   * A pure grant's own read of the held version, in place of readHeld: its first read, which holds and answers the
   * version as readHeld does and reads with it, in the same statement where the database allows, rows the grant
   * needs. A dry run makes it too, and ignores the version.
   */
  holdVersion?: ((trx: Trx) => Promise<number>) | undefined;
}

/** The access snapshot a grant was decided on is older than the rights in the database: decide again. */
class StaleAccess extends Error {
  constructor(readonly currentVersion: number) { super('access changed since the snapshot was taken'); }
}

/**
 * Runs a change as one transaction together with its audit row: either both land or neither does. After the
 * commit the account's caches are invalidated here and, through the change feed, in every other process.
 */
export async function runMutation<T>(
  ctx: ServiceDeps, actor: Actor, fn: (trx: Trx, changes: ChangeSet) => Promise<T>, options: MutationOptions = {},
): Promise<T> {
  const changes = new ChangeSet();
  const accountId = actor.principal.accountId;
  if (actor.dryRun) {
    // No version check or bump: nothing is written, and the access decisions were made on the snapshot as usual.
    const base = await ctx.access.get(accountId);
    const measured = await rolledBack(ctx.store.db, async (trx) => {
      await options.holdVersion?.(trx);
      return measureWithin(trx, base, isoNow(ctx.clock), options.confinedTo, () => fn(trx, changes));
    });
    throw new DryRunOutcome(await describeChange(ctx, accountId, measured));
  }
  const result = await flushedTransaction(ctx.store.db, async (trx) => {
    if (options.grantedAt === undefined) {
      changes.bumpedTo(await forAccount(trx, accountId).accessVersion.bump());
    } else {
      // Rights taken away bump first thing in the transaction; a pure grant holds the version it read (see MutationOptions).
      const versions = forAccount(trx, accountId).accessVersion;
      const current = options.alsoTakesAway ? changes.bumpedTo(await versions.bump()) - 1
        : await (options.holdVersion ? options.holdVersion(trx) : versions.readHeld());
      if (current !== options.grantedAt) throw new StaleAccess(current);
    }
    const value = await fn(trx, changes);
    await actor.within?.(trx);
    const change = changes.toChange(accountId);
    // Announced before the audit row (PostgreSQL sends it at commit either way): the audit row locks the account's
    // chain head until the commit, and every writer of the account waits for that lock, so it is taken last.
    await ctx.changes.announceWithin(trx, change);
    await forAccount(trx, accountId).auditLogs.recordMutation({
      userId: actor.principal.userId, ip: actor.ip, operation: actor.operation, text: actor.text, variables: actor.variables,
      at: isoNow(ctx.clock),
    });
    return { value, change };
  });
  ctx.changes.deliverHere(result.change);
  return result.value;
}

/** Attempts of a grant whose snapshot keeps going stale under concurrent rights changes, before a 503. */
const GRANT_ATTEMPTS = 5;

/** A pure grant's first read made with the held access version (see MutationOptions.holdVersion). */
export type HeldRead<R> = (trx: Trx) => Promise<{ accessVersion: number; read: R }>;

/**
 * A change that grants rights (a role binding, a membership, a service key), decided on the account's access
 * snapshot *and* checked to be current inside the write transaction (see MutationOptions): `fn` makes every
 * access decision on the snapshot it is given. When rights changed meanwhile, the snapshot is reloaded and
 * `fn` runs again on it, a bounded number of times. With `heldRead` (a pure grant), `fn` is also given what
 * that read answered in its transaction.
 */
export async function runGrant<T, R = undefined>(
  ctx: ServiceDeps, actor: Actor, fn: (trx: Trx, changes: ChangeSet, snapshot: AccessSnapshot, read: NoInfer<R>) => Promise<T>,
  options: Pick<MutationOptions, 'alsoTakesAway' | 'confinedTo'> & { heldRead?: HeldRead<R> | undefined } = {},
): Promise<T> {
  const accountId = actor.principal.accountId;
  const { heldRead, ...mutationOptions } = options;
  let snapshot = await ctx.access.get(accountId);
  for (let attempt = 1; ; attempt++) {
    try {
      const grantedAt = ctx.access.versionOf(snapshot);
      let read = undefined as R;
      const holdVersion = heldRead && (async (trx: Trx) => {
        const held = await heldRead(trx);
        read = held.read;
        return held.accessVersion;
      });
      return await runMutation(ctx, actor, (trx, changes) => fn(trx, changes, snapshot, read), { ...mutationOptions, grantedAt, holdVersion });
    } catch (error) {
      if (!(error instanceof StaleAccess)) throw error;
      if (attempt >= GRANT_ATTEMPTS) throw new ApiError('UNAVAILABLE', 'rights in this account kept changing while the request was decided; retry');
      snapshot = await ctx.access.atLeast(accountId, error.currentVersion);
    }
  }
}
