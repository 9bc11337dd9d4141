import type { Pagination } from '../client/types.js';
import type { CommandContext } from './context.js';
import type { Column } from './output/printer.js';

const PAGE_MAX = 100;

export interface FetchedList<T> {
  /** The API's answer: the single page as is, or one object holding every item fetched and the last pagination. */
  response: Record<string, unknown>;
  items: T[];
  nextCursor: string | undefined;
}

/**
 * Fetches `--limit` items (default 50) starting at `--cursor`, following cursors in pages of at most 100, or every
 * page with `--all`.
 */
export async function fetchList<T, P extends { pagination: Pagination }>(
  ctx: CommandContext,
  key: string,
  fetchPage: (page: { limit: number; cursor?: string }) => Promise<P>,
): Promise<FetchedList<T>> {
  const opts = ctx.opts();
  const wanted = opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? 50);
  let cursor = opts.cursor;
  const items: T[] = [];
  let pages = 0;
  let last: P;
  for (;;) {
    const limit = Math.min(PAGE_MAX, wanted - items.length);
    last = await fetchPage(cursor === undefined ? { limit } : { limit, cursor });
    pages += 1;
    items.push(...((last as unknown as Record<string, T[]>)[key] ?? []));
    const next = last.pagination.has_more ? last.pagination.next_cursor : undefined;
    if (!next || items.length >= wanted) break;
    cursor = next;
  }
  const response = pages === 1 ? (last as unknown as Record<string, unknown>) : { [key]: items, pagination: last.pagination };
  const nextCursor = last.pagination.has_more ? last.pagination.next_cursor : undefined;
  return { response, items, nextCursor };
}

/** Fetches and prints a list in the chosen format. */
export async function printList<T extends object, P extends { pagination: Pagination }>(
  ctx: CommandContext,
  options: { key: string; noun: string; columns: readonly Column<T>[] },
  fetchPage: (page: { limit: number; cursor?: string }) => Promise<P>,
): Promise<void> {
  const { response, items, nextCursor } = await fetchList<T, P>(ctx, options.key, fetchPage);
  ctx.printer.list({ response, items, columns: options.columns, noun: options.noun, nextCursor });
}
