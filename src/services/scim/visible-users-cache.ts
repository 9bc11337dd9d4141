import type { Store } from '../../store/database.js';
import { forAccount } from '../../store/account-store.js';
import type { ScimUserRecord } from '../../store/repositories/scim-users.js';

/** Directories whose visible users are kept at once, per store: each entry is 8 bytes per user (800 KB at 100 000). */
const MAX_DIRECTORIES = 16;

interface Entry {
  /** The store's write version when the ids were read: the entry answers only while the version has not moved. */
  version: string;
  /** Shared by the requests that ask while it is read, so a burst of them reads the ids once. */
  ids: Promise<Float64Array>;
}

const cachesByStore = new WeakMap<Store, Map<string, Entry>>();

/**
 * One unfiltered `GET /Users` page from the ids of every user the directory's token sees, kept in creation order:
 * page 1 and page 1000 of 100 000 users then cost a slice and one read of their rows, where counting the visible
 * users cost ~40 ms of SQLite per request (and a directory's 8 requests in flight queued behind one another past
 * Okta's 600 ms).
 *
 * Only on SQLite, where the store's write version moves with every write, committed or not, by any connection
 * (store/sqlite/sqlite-write-version.ts): the ids answer only while the version equals the one read before they
 * were, so no write — a user created, deactivated or deleted, a link or a validated domain changed — is missed,
 * whichever code path made it. Undefined, for the caller to page in SQL, on PostgreSQL (its other processes write
 * unseen) and when a write landed while the page was read.
 */
export async function cachedUsersPage(store: Store, accountId: number, idpId: number, page: { offset: number; limit: number }):
  Promise<{ records: ScimUserRecord[]; total: number } | undefined> {
  const writeVersion = store.writeVersion;
  if (!writeVersion) return undefined;
  const version = writeVersion();
  const ids = await visibleIds(store, accountId, idpId, version);
  const records = await forAccount(store.db, accountId).scimUsers.recordsOf(idpId, [...ids.subarray(page.offset, page.offset + page.limit)]);
  return writeVersion() === version ? { records, total: ids.length } : undefined;
}

function visibleIds(store: Store, accountId: number, idpId: number, version: string): Promise<Float64Array> {
  let cache = cachesByStore.get(store);
  if (!cache) cachesByStore.set(store, cache = new Map());
  const key = `${accountId}:${idpId}`;
  const cached = cache.get(key);
  if (cached?.version === version) return cached.ids;
  // The version was read before the ids are: a write landing while they are read leaves the entry behind it.
  const entry: Entry = { version, ids: forAccount(store.db, accountId).scimUsers.visibleIds(idpId).then((ids) => Float64Array.from(ids)) };
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > MAX_DIRECTORIES) cache.delete(cache.keys().next().value!);
  entry.ids.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry.ids;
}
