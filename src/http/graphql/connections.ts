import { badRequest } from '../../domain/errors.js';
import { type CursorKey, cursorPayload, encodeCursor, type Page } from '../../services/pagination.js';

/** `first` when absent, and its bounds (the REST `limit`'s). */
export const DEFAULT_FIRST = 50;
export const MAX_FIRST = 100;

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

/** `first`/`after` as the list services take them (`limit`/`cursor`); `first` outside 1–100 is VALIDATION_FAILED. */
export function pageQuery(args: ConnectionArgs): { limit: number; cursor?: string } {
  const first = args.first ?? DEFAULT_FIRST;
  if (first < 1 || first > MAX_FIRST) throw badRequest(`first: must be between 1 and ${MAX_FIRST}, got ${first}`);
  return args.after == null ? { limit: first } : { limit: first, cursor: args.after };
}

export interface Connection<T> {
  edges: { readonly cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
}

/** An edge whose cursor is signed only when a document asks for it (an HMAC per edge is most of a page's cost otherwise). */
class Edge<T> {
  constructor(private readonly cursorKey: Buffer, private readonly scope: string, private readonly key: CursorKey, readonly node: T) {}

  get cursor(): string {
    return encodeCursor(this.cursorKey, cursorPayload(this.scope, this.key));
  }
}

/**
 * A Relay connection over a page of a list service. Each edge's cursor is the keyset cursor the list issues
 * (`scope` is the list's, `keyOf` its key), so any of them may be passed back as `after`, to GraphQL or to REST.
 */
export function connection<R, T>(cursorKey: Buffer, scope: string, page: Page<R>, keyOf: (row: R) => CursorKey, present: (row: R) => T): Connection<T> {
  const edges = page.items.map((row) => new Edge(cursorKey, scope, keyOf(row), present(row)));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.pagination.has_more,
      hasPreviousPage: false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
