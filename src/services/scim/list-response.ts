/** RFC 7644 §3.4.2 paging as asked: `startIndex` 1-based (below 1 means 1), `count` 0…200 (default 100). */
export interface ScimPage {
  startIndex: number;
  count: number;
}

export const SCIM_MAX_RESULTS = 200;
const DEFAULT_COUNT = 100;
const MAX_START_INDEX = 2 ** 31;

/** Reads `startIndex` and `count` leniently, as the RFC asks: a negative count means 0, a larger one the maximum. */
export function scimPage(query: { startIndex?: number | undefined; count?: number | undefined }): ScimPage {
  // A start past any row (ids are 32-bit; `1e309` parses as Infinity) is an empty page, not an OFFSET the database refuses.
  const start = Math.min(Math.floor(query.startIndex ?? 1), MAX_START_INDEX);
  const count = Math.floor(query.count ?? DEFAULT_COUNT);
  return { startIndex: start < 1 ? 1 : start, count: Math.min(Math.max(count, 0), SCIM_MAX_RESULTS) };
}

/**
 * A `ListResponse`: exact `totalResults`, `itemsPerPage` and `startIndex`; `Resources` left out when empty (the RFC
 * requires it only when there are results, and Okta's test expects it absent).
 */
export function listResponse(resources: object[], totalResults: number, page: ScimPage): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults,
    itemsPerPage: resources.length,
    startIndex: page.startIndex,
    ...(resources.length > 0 ? { Resources: resources } : {}),
  };
}
