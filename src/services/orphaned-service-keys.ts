import type { Kysely } from 'kysely';
import type { AccessSnapshot } from '../access/index.js';
import { ApiError } from '../domain/errors.js';
import { isPermission, type Permission } from '../domain/permissions.js';
import { forAccount } from '../store/account-store.js';
import type { ApiKeyListFilter } from '../store/repositories/api-keys.js';
import type { ApiKeyRow, Database, UserRow } from '../store/schema.js';
import { currentServiceKeyScope, requireWithinCeiling } from './service-key-scope.js';
import type { presentBotUser } from './service-key-bots.js';
import { sessionPrincipal } from './sessions.js';

/** Why nobody answers for a SERVICE key any more (identity.md §5.5 point 3). */
export type OrphanReason = 'CREATOR_DEACTIVATED' | 'CREATOR_DELETED' | 'CREATOR_LACKS_ROLES';

export interface Orphaning {
  reason: OrphanReason;
  /** CREATOR_LACKS_ROLES: the first permission of the key's roles the creator no longer holds, when the ceiling names one. */
  missing_permission?: Permission;
}

/** A listed key, with why it is orphaned when it is, and (the account-wide list) a SERVICE key's bot user and scope. */
export interface ListedKey { row: ApiKeyRow; orphaned?: Orphaning; botUser?: ReturnType<typeof presentBotUser> }

// Keys read per query while looking for orphans: an account has few live service keys, so this is usually one read.
const BATCH = 200;

/**
 * The orphaned SERVICE keys among those `filter` selects, by id after `filter.after`, at most `limit` of them.
 * Whether a creator still holds the key's roles is the creation-time ceiling evaluated now, which no SQL can
 * answer: the keys are read in id order in batches and judged one by one until `limit` are found, so the keyset
 * cursor (the last key's id) stays valid — the page is filtered in memory, not the whole list loaded.
 */
export async function findOrphanedServiceKeys(
  db: Kysely<Database>, snapshot: AccessSnapshot, accountId: number, filter: Omit<ApiKeyListFilter, 'keyType' | 'limit'>, limit: number,
): Promise<ListedKey[]> {
  const keys = forAccount(db, accountId).apiKeys;
  const judge = new OrphanJudge(db, snapshot, accountId);
  const found: ListedKey[] = [];
  let after = filter.after;
  for (;;) {
    const rows = await keys.list({ ...filter, keyType: 'SERVICE', after, limit: BATCH });
    for (const row of rows) {
      const orphaned = await judge.orphaning(row);
      if (orphaned) found.push({ row, orphaned });
      if (found.length === limit) return found;
    }
    if (rows.length < BATCH) return found;
    after = rows[rows.length - 1]!.id;
  }
}

/** Judges keys against their creators, each creator read once per request. */
class OrphanJudge {
  readonly #creators = new Map<number, Promise<UserRow | undefined>>();

  constructor(private readonly db: Kysely<Database>, private readonly snapshot: AccessSnapshot, private readonly accountId: number) {}

  /**
   * Why the key's creator — the person at the root of its chain of creators, who answers for it — no longer does,
   * or undefined when it still does. Deleted wins over deactivated (a deleted user may have been deactivated first).
   */
  async orphaning(key: ApiKeyRow): Promise<Orphaning | undefined> {
    const creator = await this.#creator(key.root_creator_user_id ?? key.created_by_user_id);
    if (!creator || creator.deleted_at !== null) return { reason: 'CREATOR_DELETED' };
    if (creator.deactivated_at !== null) return { reason: 'CREATOR_DEACTIVATED' };
    try {
      const scope = await currentServiceKeyScope(this.db, this.accountId, key.user_id);
      await requireWithinCeiling(this.db, this.snapshot, sessionPrincipal(creator), scope);
      return undefined;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'FORBIDDEN') throw error;
      const missing = missingPermission(error.detail);
      return { reason: 'CREATOR_LACKS_ROLES', ...(missing ? { missing_permission: missing } : {}) };
    }
  }

  #creator(id: number): Promise<UserRow | undefined> {
    let row = this.#creators.get(id);
    if (row === undefined) {
      row = forAccount(this.db, this.accountId).users.find(id);
      this.#creators.set(id, row);
    }
    return row;
  }
}

/**
 * The permission a ceiling refusal names. The ceiling answers only by throwing its 403, whose detail names the first
 * permission missing (or, for a key with the account role ADMIN, that only an account admin may hold it: no single
 * permission); the first word of the detail that is in the permission catalogue is that permission.
 */
function missingPermission(detail: string | undefined): Permission | undefined {
  return (detail ?? '').split(/[^A-Z_]+/).find(isPermission);
}
