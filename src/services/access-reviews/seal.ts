import { createHash } from 'node:crypto';
import { CheckpointSigner } from '../../domain/audit-chain.js';
import type { SignedGrant } from '../../store/repositories/access-reviews.js';
import type { AccessReviewsTable } from '../../store/schema.js';

/**
 * The seal of an access review (docs/access-reviews.md states it for outside verifiers): a SHA-256 digest of the
 * review's canonical encoding, signed with the audit signing key (Ed25519, key id as for audit checkpoints).
 *
 *   digest    = hex( SHA-256( UTF-8( JSON ) ) )
 *   JSON      = ["ax-access-review-v1", account_id, review_id, name, created_at, created_by_user_id, [grant, …]]
 *   grant     = [grant_id, principal_type, user_id, principal_name, principal_email, principal_status, source,
 *                resource_type, resource_id, resource_name, role_id, role_name, binding_id, provenance,
 *                provenance_idp_id, expires_at]          (grants in id order; integers are the database's ids)
 *   signature = base64( Ed25519-sign( UTF-8( ["ax-access-review-signature-v1", account_id, review_id, digest] ) ) )
 *
 * encoded as the audit chain is (ECMAScript JSON.stringify, which for these arrays is RFC 8785). Decisions are not
 * sealed: they change, and each one is an entry of the audit chain naming the review.
 */
type ReviewHeader = Pick<AccessReviewsTable, 'account_id' | 'name' | 'created_at' | 'created_by_user_id'> & { id: number };

/**
 * The digest of a review and how many grants it covers, from its grants in id order a page at a time: the encoding
 * is hashed as it is written, grant by grant, never held whole (130k grants encode to ~30 MB).
 */
export async function reviewDigest(review: ReviewHeader, pages: AsyncIterable<readonly SignedGrant[]>): Promise<{ digest: string; grants: number }> {
  const hash = createHash('sha256');
  // The header's encoding with an empty grant list, cut before its closing `[]]`: the grants and `]]` follow.
  const header = JSON.stringify(['ax-access-review-v1', Number(review.account_id), Number(review.id), review.name, review.created_at, Number(review.created_by_user_id), []]);
  hash.update(header.slice(0, -2), 'utf8');
  let grants = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const encoded = page.map((g) => JSON.stringify([
      Number(g.id), g.principal_type, Number(g.user_id), g.principal_name, g.principal_email, g.principal_status, g.source,
      g.resource_type, Number(g.resource_id), g.resource_name, g.role_id === null ? null : Number(g.role_id), g.role_name,
      g.binding_id === null ? null : Number(g.binding_id), g.provenance, g.provenance_idp_id === null ? null : Number(g.provenance_idp_id), g.expires_at,
    ])).join(',');
    hash.update(grants === 0 ? encoded : `,${encoded}`, 'utf8');
    grants += page.length;
  }
  hash.update(']]', 'utf8');
  return { digest: hash.digest('hex'), grants };
}

export function signatureMessage(accountId: number, reviewId: number, digest: string): Buffer {
  return Buffer.from(JSON.stringify(['ax-access-review-signature-v1', accountId, reviewId, digest]), 'utf8');
}

export function signerOf(auditSigningKey: Buffer): CheckpointSigner {
  return new CheckpointSigner(auditSigningKey);
}
