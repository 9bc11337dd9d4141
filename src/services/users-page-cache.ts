import type { Store } from '../store/database.js';

/** Pages kept per store at most: the first pages that dashboards and `ax users list` ask for over and over. */
const MAX_PAGES = 16;

/** A page's answer as built, and how long it holds if nothing is written. */
export interface BuiltUsersPage {
  /** The answer's JSON text, as the route's response schema serializes it. */
  body: string;
  /** The first instant (ISO) at which the answer may change with time alone (an invitation lapses), if any. */
  changesAt: string | undefined;
}

interface KeptPage extends BuiltUsersPage {
  /** The store's write version read before the page was: the page is the answer while the version has not moved. */
  version: string;
}

/**
 * The answers of `GET /v2/users` on SQLite, kept until anything is written to the database (by any statement of this
 * process or any commit of another connection: see Store.writeVersion, not a list of the places that write users,
 * invitations, memberships or SCIM links) or until time alone changes them (`changesAt`, against the injected clock).
 * Building page 1 cost the server ~600 µs of CPU (the query, SQLite's JSON text, parsing it, serializing 19 KB);
 * answering it again costs a version read and a map lookup. The key must name everything the answer depends on
 * besides the database and the time: the caller's account, whom it may see, and the query.
 * PostgreSQL has no cache: other processes write it unseen.
 */
export class UsersPageCache {
  readonly #pages = new Map<string, KeptPage>();

  constructor(private readonly writeVersion: () => string) {}

  /** The kept answer for `key` if nothing was written since and `now` (ISO) is before its change; else `build`'s, kept. */
  async answer(key: string, now: string, build: () => Promise<BuiltUsersPage>): Promise<string> {
    const version = this.writeVersion();
    const kept = this.#pages.get(key);
    if (kept && kept.version === version && (kept.changesAt === undefined || now < kept.changesAt)) return kept.body;
    // The version is read before the page: a write while it is built leaves it keyed by a version that has moved on.
    const built = await build();
    this.#pages.delete(key);
    if (this.#pages.size >= MAX_PAGES) this.#pages.delete(this.#pages.keys().next().value!);
    this.#pages.set(key, { ...built, version });
    return built.body;
  }
}

const caches = new WeakMap<Store, UsersPageCache>();

/** The store's users page cache; undefined on PostgreSQL. */
export function usersPageCacheOf(store: Store): UsersPageCache | undefined {
  if (!store.writeVersion) return undefined;
  let cache = caches.get(store);
  if (!cache) {
    cache = new UsersPageCache(store.writeVersion);
    caches.set(store, cache);
  }
  return cache;
}
