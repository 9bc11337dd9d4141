import { Type } from '@sinclair/typebox';
import { Id, ListQuery, Name, StringEnum, Timestamp } from './common.js';

/** Access reviews (ours, not Arize's): signed snapshots of who can do what, and reviewers' decisions on them. */

export const AccessReviewStatus = StringEnum(['open', 'closed'] as const);
export const ReviewDecision = StringEnum(['keep', 'revoke'] as const);
export const DecisionOutcome = StringEnum(['kept', 'revoked', 'already_gone'] as const, {
  description: 'kept; revoked (the grant was taken away now); already_gone (it no longer existed: the revocation is recorded)',
});

export const AccessReview = Type.Object({
  id: Id,
  name: Type.String(),
  status: AccessReviewStatus,
  created_at: Timestamp,
  created_by: Id,
  closed_at: Type.Optional(Timestamp),
  closed_by: Type.Optional(Id),
  grant_count: Type.Integer({ minimum: 0 }),
  decided_count: Type.Integer({ minimum: 0 }),
  kept_count: Type.Integer({ minimum: 0 }),
  revoked_count: Type.Integer({ minimum: 0 }),
  digest: Type.String({ description: 'hex SHA-256 of the canonical encoding of the review and its frozen grants (docs/access-reviews.md)' }),
  signature: Type.String({ description: 'base64 Ed25519 signature of the digest with the audit signing key' }),
  key_id: Type.String({ description: 'the signing key: the first 16 hex digits of SHA-256 of its raw public key' }),
});

/** One frozen grant of a review, as it was when the review was taken, with the decision on it. */
export const AccessReviewGrant = Type.Object({
  id: Id,
  review_id: Id,
  principal_type: StringEnum(['USER', 'SERVICE_KEY'] as const),
  principal_id: Id,
  principal_name: Type.String(),
  principal_email: Type.String(),
  principal_status: Type.String({ description: 'ACTIVE, INVITED, EXPIRED or DEACTIVATED when the review was taken' }),
  source: StringEnum(['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'ROLE_BINDING'] as const),
  resource_type: StringEnum(['ACCOUNT', 'ORGANIZATION', 'SPACE', 'PROJECT'] as const),
  resource_id: Id,
  resource_name: Type.String(),
  role_id: Type.Optional(Id),
  role_name: Type.String({ description: 'an account role (ADMIN, MEMBER, ANNOTATOR), a predefined role key, or a custom role\'s name' }),
  role_binding_id: Type.Optional(Id),
  provenance: StringEnum(['MANUAL', 'SSO', 'SCIM'] as const, { description: 'who wrote the grant: an admin, or an identity provider\'s sync' }),
  provenance_idp_id: Type.Optional(Id),
  expires_at: Type.Optional(Timestamp),
  decision: Type.Optional(ReviewDecision),
  decided_by: Type.Optional(Id),
  decided_at: Type.Optional(Timestamp),
  note: Type.Optional(Type.String()),
  outcome: Type.Optional(DecisionOutcome),
});

export const CreateAccessReviewBody = Type.Object({ name: Name }, { additionalProperties: false });

export const AccessReviewParams = Type.Object({ review_id: Id });
export const AccessReviewGrantParams = Type.Object({ review_id: Id, grant_id: Id });

export const ListAccessReviewsQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

export const ListAccessReviewGrantsQuery = Type.Object({
  decision: Type.Optional(StringEnum(['undecided', 'keep', 'revoke'] as const)),
  principal_id: Type.Optional(Id),
  ...ListQuery,
}, { additionalProperties: false });

export const AccessReviewDiffQuery = Type.Object({
  against: Id,
}, { additionalProperties: false });

export const AccessReviewDiff = Type.Object({
  review_id: Id,
  against: Id,
  added: Type.Array(AccessReviewGrant, { description: 'grants in this review that the other did not have' }),
  removed: Type.Array(AccessReviewGrant, { description: 'grants the other review had that this one does not' }),
});

export const DecideBody = Type.Object({
  decision: ReviewDecision,
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
}, { additionalProperties: false });

export const RemovedRows = Type.Object({
  organization_memberships: Type.Integer({ minimum: 0 }),
  space_memberships: Type.Integer({ minimum: 0 }),
  role_bindings: Type.Integer({ minimum: 0 }),
});

export const DecisionAnswer = Type.Object({
  grant: AccessReviewGrant,
  outcome: DecisionOutcome,
  removed: Type.Optional(RemovedRows),
  account_role: Type.Optional(Type.String({ description: 'a revoked account role: the role the user has now' })),
  warning: Type.Optional(Type.String()),
});

export const AccessReviewVerification = Type.Object({
  valid: Type.Boolean(),
  digest: Type.String({ description: 'the digest recomputed from the frozen rows as they are now' }),
  recorded_digest: Type.String(),
  signature_valid: Type.Boolean(),
  grants_checked: Type.Integer({ minimum: 0 }),
  key_id: Type.String(),
  public_key: Type.String({ description: 'base64 of the raw 32-byte Ed25519 public key' }),
  reason: Type.Optional(Type.String()),
});

export const AccessReviewExport = Type.Object({
  review: AccessReview,
  grants: Type.Array(Type.Object({ ...AccessReviewGrant.properties, decided_by_email: Type.Optional(Type.String()) })),
});
