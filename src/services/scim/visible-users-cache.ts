import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import { forAccount } from '../../store/account-store.js';
import type { ScimUserRecord } from '../../store/repositories/scim-users.js';
import type { Database } from '../../store/schema.js';
import { readInSnapshot } from '../../store/postgres/snapshot-read.js';

/** Directories whose visible users are kept at once, per store: each entry is 8 bytes per user (800 KB at 100 000). */
const MAX_DIRECTORIES = 16;

interface Entry {
  /**
   * What the ids were read under — SQLite: the store's write version; PostgreSQL: the reading transaction's snapshot —
   * the entry answers only a request that reads under the same.
   */
  version: string;
  /** Shared by the requests that ask while it is read, so a burst of them reads the ids once. */
  ids: Promise<Float64Array>;
}

const cachesByStore = new WeakMap<Store, Map<string, Entry>>();

/**
 * One unfiltered `GET /Users` page from the ids of every user the directory's token sees, kept in creation order:
 * page 1 and page 1000 of 100 000 users then cost a slice and one read of their rows, where counting the visible
 * users cost ~40 ms of SQLite (~110 ms of PostgreSQL) per request, and a directory's 8 requests in flight queued
 * behind one another past Okta's 600 ms. No write — a user created, deactivated or deleted, a link or a validated
 * domain changed — is missed, whichever code path or process made it:
 * - SQLite: the store's write version moves with every write, committed or not, by any connection
 *   (store/sqlite/sqlite-write-version.ts); the ids answer only while it equals the one read before they were, and
 *   undefined (for the caller to page in SQL) is answered when a write landed while the page was read;
 * - PostgreSQL: the page is read in one snapshot (store/postgres/snapshot-read.ts), and the ids are kept under its
 *   text, which any commit since moves; a cluster busy with other databases moves it often, and each miss reads the
 *   ids anew (about what counting them cost).
 */
export async function cachedUsersPage(store: Store, accountId: number, idpId: number, page: { offset: number; limit: number }):
  Promise<{ records: ScimUserRecord[]; total: number } | undefined> {
  const writeVersion = store.writeVersion;
  if (!writeVersion) return postgresPage(store, accountId, idpId, page);
  const version = writeVersion();
  const ids = await visibleIds(store, store.db, accountId, idpId, version);
  const records = await forAccount(store.db, accountId).scimUsers.recordsOf(idpId, [...ids.subarray(page.offset, page.offset + page.limit)]);
  return writeVersion() === version ? { records, total: ids.length } : undefined;
}

function postgresPage(store: Store, accountId: number, idpId: number, page: { offset: number; limit: number }): Promise<{ records: ScimUserRecord[]; total: number }> {
  return readInSnapshot(store.db, async (trx, snapshot) => {
    const ids = await visibleIds(store, trx, accountId, idpId, snapshot);
    const records = await forAccount(trx, accountId).scimUsers.recordsOf(idpId, [...ids.subarray(page.offset, page.offset + page.limit)]);
    return { records, total: ids.length };
  });
}

function visibleIds(store: Store, db: Kysely<Database>, accountId: number, idpId: number, version: string): Promise<Float64Array> {
  let cache = cachesByStore.get(store);
  if (!cache) cachesByStore.set(store, cache = new Map());
  const key = `${accountId}:${idpId}`;
  const cached = cache.get(key);
  if (cached?.version === version) return cached.ids;
  // The version was read before the ids are: a write landing while they are read leaves the entry behind it.
  const entry: Entry = { version, ids: forAccount(db, accountId).scimUsers.visibleIds(idpId).then((ids) => Float64Array.from(ids)) };
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_DIRECTORIES) cache.delete(cache.keys().next().value!);
  entry.ids.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry.ids;
}
