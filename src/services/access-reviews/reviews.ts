import { isoNow } from '../../domain/clock.js';
import { conflict, notFound } from '../../domain/errors.js';
import { decodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { AccessReviewRepository, type AccessReviewRow } from '../../store/repositories/access-reviews.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { requireAccountAdmin } from '../authorize.js';
import { type Actor, runMutation } from '../mutation.js';
import { decodeCursor, toPage } from '../pagination.js';
import type { ServiceDeps } from '../service-deps.js';
import { reviewDigest, signatureMessage, signerOf } from './seal.js';

export function reviewsOf(db: Kysely<Database>, accountId: number): AccessReviewRepository {
  return new AccessReviewRepository(db, accountId);
}

/**
 * Takes an access review (account admins): in one transaction with its audit row, every grant of every live user
 * and service key is frozen, then the review is sealed — the digest of its canonical encoding signed with the audit
 * signing key (seal.ts).
 */
export async function createAccessReview(ctx: ServiceDeps, actor: Actor, input: { name: string }): Promise<AccessReviewRow> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'take access reviews');
  return runMutation(ctx, actor, async (trx) => {
    const reviews = reviewsOf(trx, principal.accountId);
    const now = isoNow(ctx.clock);
    const id = await reviews.create({ name: input.name, createdBy: principal.userId, now });
    await reviews.freezeGrants(id);
    const header = { id, account_id: principal.accountId, name: input.name, created_at: now, created_by_user_id: principal.userId };
    const { digest, grants: grantCount } = await reviewDigest(header, reviews.signedGrants(id));
    const signer = signerOf(ctx.secrets.auditSigningKey);
    await reviews.seal(id, { grantCount, digest, signature: signer.sign(signatureMessage(principal.accountId, id, digest)), keyId: signer.keyId });
    const review = await reviews.find(id);
    if (!review) throw notFound('access review');
    return review;
  });
}

export async function listAccessReviews(ctx: ServiceDeps, principal: Principal, query: { limit: number; cursor?: string | undefined }) {
  requireAccountAdmin(principal, 'read access reviews');
  const scope = 'access-reviews';
  const before = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const rows = await reviewsOf(ctx.store.db, principal.accountId).list({ after: before, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** A review of the caller's account by its wire id (account admins), or 404. */
export async function getAccessReview(ctx: ServiceDeps, principal: Principal, reviewId: string, field = 'review_id'): Promise<AccessReviewRow> {
  requireAccountAdmin(principal, 'read access reviews');
  const review = await reviewsOf(ctx.store.db, principal.accountId).find(decodeId('AccessReview', reviewId, field));
  if (!review) throw notFound('access review');
  return review;
}

/** Closes an open review: its decisions are final (a closed review takes none). 409 when it is closed already. */
export async function closeAccessReview(ctx: ServiceDeps, actor: Actor, reviewId: string): Promise<AccessReviewRow> {
  const { principal } = actor;
  const review = await getAccessReview(ctx, principal, reviewId);
  return runMutation(ctx, { ...actor, variables: JSON.stringify({ access_review_id: reviewId }) }, async (trx) => {
    const reviews = reviewsOf(trx, principal.accountId);
    if (!await reviews.close(review.id, principal.userId, isoNow(ctx.clock))) throw conflict('this access review is closed already', 'access review closed');
    return (await reviews.find(review.id))!;
  });
}

export interface ReviewVerification {
  valid: boolean;
  digest: string;
  recorded_digest: string;
  signature_valid: boolean;
  key_id: string;
  public_key: string;
  grants_checked: number;
  reason?: string;
}

/**
 * Recomputes a review's digest from its frozen rows as they are now and checks the recorded signature under this
 * server's audit key: editing, deleting or inserting a frozen row (or the review's name, time or author) breaks it.
 */
export async function verifyAccessReview(ctx: ServiceDeps, principal: Principal, reviewId: string): Promise<ReviewVerification> {
  const review = await getAccessReview(ctx, principal, reviewId);
  const { digest, grants } = await reviewDigest(review, reviewsOf(ctx.store.db, principal.accountId).signedGrants(review.id));
  const signer = signerOf(ctx.secrets.auditSigningKey);
  const signatureValid = review.key_id === signer.keyId && signer.verify(signatureMessage(principal.accountId, review.id, review.digest), review.signature);
  const reasons = [
    ...(grants === Number(review.grant_count) ? [] : [`the review recorded ${review.grant_count} grants, ${grants} are there`]),
    ...(digest === review.digest ? [] : ['its frozen grants (or its name, time or author) do not match the recorded digest']),
    ...(signatureValid ? [] : [`the recorded digest is not signed by this server's audit key (${signer.keyId})`]),
  ];
  return {
    valid: reasons.length === 0, digest, recorded_digest: review.digest, signature_valid: signatureValid, key_id: signer.keyId,
    public_key: signer.publicKeyBase64, grants_checked: grants, ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  };
}
