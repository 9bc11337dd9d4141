import { decodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import type { AccessReviewGrantRow, AccessReviewRow, GrantIdentity, ReviewDecision } from '../../store/repositories/access-reviews.js';
import { decodeCursor, toPage } from '../pagination.js';
import type { ServiceDeps } from '../service-deps.js';
import { getAccessReview, reviewsOf } from './reviews.js';

export interface ListReviewGrantsQuery {
  decision?: ReviewDecision | 'undecided' | undefined;
  principal_id?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A review's frozen grants in id order (principal by principal), filtered by decision and principal. */
export async function listReviewGrants(ctx: ServiceDeps, principal: Principal, reviewId: string, query: ListReviewGrantsQuery) {
  const scope = 'access-review-grants';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const review = await getAccessReview(ctx, principal, reviewId);
  const userId = query.principal_id === undefined ? undefined : decodeId('User', query.principal_id, 'principal_id');
  const rows = await reviewsOf(ctx.store.db, principal.accountId).grants(review.id, { decision: query.decision, userId, after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** What makes two frozen grants the same grant: who, how, where, and with which role. */
function grantKey(g: GrantIdentity): string {
  return JSON.stringify([Number(g.user_id), g.source, g.resource_type, Number(g.resource_id), g.role_name, g.role_id === null ? null : Number(g.role_id)]);
}

export interface ReviewDiff {
  review: AccessReviewRow;
  against: AccessReviewRow;
  added: AccessReviewGrantRow[];
  removed: AccessReviewGrantRow[];
}

/**
 * The grants in `reviewId` that `againstId` did not have (`added`) and those it had that `reviewId` does not
 * (`removed`). A grant is the same when its principal, source, resource and role are; a role change is a removal
 * and an addition. Names are the frozen ones of each review. Only what identifies a grant is read of every grant;
 * the grants of the answer are read whole.
 */
export async function diffAccessReviews(ctx: ServiceDeps, principal: Principal, reviewId: string, againstId: string): Promise<ReviewDiff> {
  const review = await getAccessReview(ctx, principal, reviewId);
  const against = await getAccessReview(ctx, principal, againstId, 'against');
  const reviews = reviewsOf(ctx.store.db, principal.accountId);
  const keysOf = async (id: number) => {
    const keys: [string, number][] = [];
    for await (const page of reviews.grantIdentities(id)) for (const g of page) keys.push([grantKey(g), Number(g.id)]);
    return keys;
  };
  const [now, before] = await Promise.all([keysOf(review.id), keysOf(against.id)]);
  const only = (mine: [string, number][], theirs: [string, number][]) => {
    const other = new Set(theirs.map(([key]) => key));
    return mine.flatMap(([key, id]) => (other.has(key) ? [] : [id]));
  };
  const [added, removed] = await Promise.all([reviews.grantsById(review.id, only(now, before)), reviews.grantsById(against.id, only(before, now))]);
  return { review, against, added, removed };
}

/**
 * A review for auditors' exports, and its grants with their decisions a page at a time, each page with the emails of
 * its deciders: a large review is written as it is read.
 */
export async function exportAccessReview(ctx: ServiceDeps, principal: Principal, reviewId: string) {
  const review = await getAccessReview(ctx, principal, reviewId);
  const reviews = reviewsOf(ctx.store.db, principal.accountId);
  async function* pages() {
    for await (const grants of reviews.allGrants(review.id)) {
      const deciders = await reviews.userEmails([...new Set(grants.flatMap((g) => (g.decided_by_user_id === null ? [] : [Number(g.decided_by_user_id)])))]);
      yield { grants, deciders };
    }
  }
  return { review, pages: pages() };
}
