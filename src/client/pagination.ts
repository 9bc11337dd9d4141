import type { Pagination } from './types.js';

/** Any list answer: `{ <items>: [...], pagination }`. */
export type ListResponse = { pagination: Pagination };

/**
 * Follows `pagination.next_cursor` from page to page and yields every item. Stops when `has_more` is false or the
 * cursor is missing (as Arize's resolvers do, so a server that forgets the cursor cannot loop forever).
 *
 * @example
 * for await (const user of paginate((cursor) => ax.users.list({ limit: 100, cursor }), (page) => page.users)) {
 *   console.log(user.email);
 * }
 */
export async function* paginate<P extends ListResponse, T>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[],
  firstCursor?: string,
): AsyncGenerator<T, void, undefined> {
  let cursor = firstCursor;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* items(page);
    if (!page.pagination.has_more || !page.pagination.next_cursor) return;
    cursor = page.pagination.next_cursor;
  }
}
