import { isoNow } from '../domain/clock.js';
import { ApiError, forbidden } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { AccessSnapshot } from '../access/index.js';
import { keyStatus } from '../keys/index.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import type { ApiKeyRow } from '../store/schema.js';
import { issueKey, type IssuedKey } from './api-keys.js';
import { type ConfinedScope, measureWithin, principalsOf, type PrincipalPreview, rolledBack } from './dry-run.js';
import { type Actor, ChangeSet, runGrant, type Trx } from './mutation.js';
import { retireBotIfKeyless } from './service-key-bots.js';
import { currentServiceKeyScope, requireServiceKeyControl } from './service-key-scope.js';

/**
 * What removing a person from an organization or a space, or deleting the person, takes with it — and the
 * SERVICE keys that person created (directly, or through a bot key they created), which keep working after
 * them (they belong to the account) but whose raw secret the person may still hold. The caller chooses what
 * happens to those keys in the same transaction: keep (default), revoke, or rotate (a new secret, shown once to
 * the caller; the old one stops at once).
 */
export type ServiceKeyAction = 'keep' | 'revoke' | 'rotate';

export interface RemovalOptions {
  /** Compute the cascade and answer it, writing nothing and auditing nothing. */
  dryRun: boolean;
  serviceKeys: ServiceKeyAction;
}

/** A service key of the cascade; `rotated` is its replacement (new record and raw key) when rotated. */
export interface CascadeServiceKey { row: ApiKeyRow; spaces: number[]; rotated?: IssuedKey | undefined }

export interface RemovalCascade {
  dryRun: boolean;
  serviceKeyAction: ServiceKeyAction;
  organizationMemberships: number;
  spaceMemberships: number;
  roleBindings: number;
  userKeysRevoked: number;
  serviceKeys: CascadeServiceKey[];
  /** When the keys were listed (a key's status on the wire is relative to it). */
  now: string;
  /** A dry run's: whose effective permissions the removal moves, and how. */
  principals?: PrincipalPreview[] | undefined;
  /** A dry run's: more changes of access than an answer lists (`principals` empty). */
  principalsOmitted?: boolean | undefined;
}

/** Which of the person's service keys a removal reaches: those whose bot is in this organization or space, or all. */
type CascadeReach = { organizationId: number } | { spaceId: number } | 'account';

/** The rows a removal took, before the service keys are looked at. */
type RemovedCounts = Pick<RemovalCascade, 'organizationMemberships' | 'spaceMemberships' | 'roleBindings' | 'userKeysRevoked'>;

/**
 * Runs a removal: `remove` checks the caller's rights on the snapshot (current inside the transaction, as for
 * a grant: rotating hands the caller a working secret) and deletes, answering what it took and whose service
 * keys are concerned; then the keys are acted on. A dry run does the same work in a transaction that is rolled
 * back, so the cascade it answers is exactly what the removal would do (`confinedTo`: see ConfinedScope).
 */
export async function runRemoval(
  ctx: ServiceDeps, actor: Actor, options: RemovalOptions,
  remove: (trx: Trx, changes: ChangeSet, snapshot: AccessSnapshot) => Promise<{ counts: RemovedCounts; personId: number; reach: CascadeReach } | undefined>,
  confinedTo?: ConfinedScope,
): Promise<RemovalCascade | undefined> {
  const act = async (trx: Trx, changes: ChangeSet, snapshot: AccessSnapshot): Promise<RemovalCascade | undefined> => {
    const now = isoNow(ctx.clock);
    // The person's keys as they stand before the removal (a user's deletion does not touch its bots).
    const removed = await remove(trx, changes, snapshot);
    if (!removed) return undefined;
    const keys = await findCreatedServiceKeys(trx, actor.principal.accountId, removed.personId, removed.reach, now);
    const action = options.dryRun ? 'keep' : options.serviceKeys;
    if (action !== 'keep') await requireControlOfAll(trx, snapshot, actor.principal, keys, action);
    for (const key of keys) {
      if (action === 'keep') continue;
      const current = key.row.replaced_by_id === null;
      if (action === 'rotate' && current) key.rotated = await rotate(trx, ctx.secrets.keyPepper, key.row, now);
      await forAccount(trx, key.row.account_id).apiKeys.revoke(key.row.id, now, key.rotated?.row.id);
      changes.key(key.row.public_id);
      if (!key.rotated) await retireBotIfKeyless(trx, key.row.account_id, key.row.user_id, now, changes);
    }
    return { dryRun: options.dryRun, serviceKeyAction: options.serviceKeys, ...removed.counts, serviceKeys: keys, now };
  };
  if (!options.dryRun) return runGrant(ctx, actor, act, { alsoTakesAway: true });
  const accountId = actor.principal.accountId;
  const snapshot = await ctx.access.get(accountId);
  let cascade: RemovalCascade | undefined;
  const measured = await rolledBack(ctx.store.db, (trx) => measureWithin(trx, snapshot, isoNow(ctx.clock), confinedTo, async () => {
    cascade = await act(trx, new ChangeSet(), snapshot);
  }));
  if (cascade === undefined) return undefined;
  return { ...cascade, ...await principalsOf(ctx, accountId, measured) };
}

/**
 * The live SERVICE keys (ACTIVE and unexpired, a replaced key still in its grace period included) that the
 * person created directly or through a bot key they created, whose bot reaches the removal's organization or
 * space (a user's deletion: all of them), with the spaces each one's bot is a member of.
 */
async function findCreatedServiceKeys(trx: Trx, accountId: number, personId: number, reach: CascadeReach, now: string): Promise<CascadeServiceKey[]> {
  const store = forAccount(trx, accountId);
  const rows = await store.apiKeys.serviceKeysCreatedBy(personId, now, reach === 'account' ? undefined : reach);
  if (rows.length === 0) return [];
  const memberships = await store.serviceKeyBots.spaceMemberships([...new Set(rows.map((r) => r.user_id))]);
  return rows.filter((row) => keyStatus(row, now) === 'ACTIVE')
    .map((row) => ({ row, spaces: memberships.filter((m) => m.user_id === row.user_id).map((m) => m.space_id) }));
}

/**
 * Revoking or rotating someone else's keys needs what revoking or refreshing them one by one needs: account
 * admins always; others control every space of each key today (and pass the ceiling to rotate). Nothing is done
 * unless every key can be: 403 naming the first key that cannot.
 */
async function requireControlOfAll(trx: Trx, snapshot: AccessSnapshot, principal: Principal, keys: CascadeServiceKey[], action: 'revoke' | 'rotate'): Promise<void> {
  if (principal.role === 'ADMIN') return;
  for (const key of keys) {
    try {
      await requireServiceKeyControl(trx, snapshot, principal, await currentServiceKeyScope(trx, principal.accountId, key.row.user_id), action === 'rotate' ? 'refresh' : 'revoke');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      throw forbidden(`service_keys: you cannot ${action} the service key ${JSON.stringify(key.row.name)}: it reaches spaces where you lack SERVICE_KEY_REVOKE; keep it and ask an account admin`);
    }
  }
}

/** A new secret for the same key (same name, description, expiry, creator and bot): what a refresh with grace 0 issues. */
function rotate(trx: Trx, pepper: Buffer, old: ApiKeyRow, now: string): Promise<IssuedKey> {
  return issueKey(trx, pepper, {
    accountId: old.account_id, keyType: 'SERVICE', userId: old.user_id, createdBy: old.created_by_user_id,
    rootCreator: old.root_creator_user_id ?? old.created_by_user_id, name: old.name, description: old.description, expiresAt: old.expires_at, now,
  });
}

