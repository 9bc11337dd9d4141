import { decodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import type { AccessReviewGrantRow, AccessReviewRow, ReviewDecision } from '../../store/repositories/access-reviews.js';
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
function grantKey(g: AccessReviewGrantRow): string {
  return JSON.stringify([g.user_id, g.source, g.resource_type, g.resource_id, g.role_name, g.role_id]);
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
 * and an addition. Names are the frozen ones of each review.
 */
export async function diffAccessReviews(ctx: ServiceDeps, principal: Principal, reviewId: string, againstId: string): Promise<ReviewDiff> {
  const review = await getAccessReview(ctx, principal, reviewId);
  const against = await getAccessReview(ctx, principal, againstId, 'against');
  const reviews = reviewsOf(ctx.store.db, principal.accountId);
  const [now, before] = await Promise.all([reviews.grants(review.id), reviews.grants(against.id)]);
  const nowKeys = new Set(now.map(grantKey));
  const beforeKeys = new Set(before.map(grantKey));
  return { review, against, added: now.filter((g) => !beforeKeys.has(grantKey(g))), removed: before.filter((g) => !nowKeys.has(grantKey(g))) };
}

/** Every grant of a review with its decision, and the email of each decider (for auditors' exports). */
export async function exportAccessReview(ctx: ServiceDeps, principal: Principal, reviewId: string) {
  const review = await getAccessReview(ctx, principal, reviewId);
  const reviews = reviewsOf(ctx.store.db, principal.accountId);
  const grants = await reviews.grants(review.id);
  const deciders = await reviews.userEmails([...new Set(grants.flatMap((g) => (g.decided_by_user_id === null ? [] : [Number(g.decided_by_user_id)])))]);
  return { review, grants, deciders };
}
