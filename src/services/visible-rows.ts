/** Ids per query: far below SQLite's (32766) and PostgreSQL's (65535) bound-parameter limits. */
const CHUNK = 1000;

/**
 * The first `limit + 1` rows, in key order after `after`, among the keys the principal may see (ascending, as
 * `allowedResources` gives them). `fetch(keys, n)` returns at most `n` matching rows of those keys, ordered by key.
 * The keys go to the database a chunk at a time so that a principal who sees tens of thousands of resources
 * (an organization admin) never builds one oversized IN list; most pages take one query.
 */
export async function fetchVisibleRows<R>(
  visibleKeys: readonly number[], after: number | undefined, limit: number, fetch: (keys: number[], n: number) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  let start = after === undefined ? 0 : firstAbove(visibleKeys, after);
  while (start < visibleKeys.length && rows.length <= limit) {
    const keys = visibleKeys.slice(start, start + CHUNK);
    rows.push(...await fetch(keys, limit + 1 - rows.length));
    start += CHUNK;
  }
  return rows;
}

/** Index of the first key greater than `after` in an ascending list. */
function firstAbove(keys: readonly number[], after: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
