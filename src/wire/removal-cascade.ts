import { Type } from '@sinclair/typebox';
import { PrincipalAccessChange, PrincipalsOmitted } from './access-preview.js';
import { Id } from './common.js';

/**
 * Query of the removals that report a cascade (DELETE of an organization or space member, DELETE of a user).
 * Arize's clients send neither parameter and get the 204 they expect.
 */
export const RemovalQuery = Type.Object({
  dry_run: Type.Optional(Type.Boolean({ description: 'Answer 200 with the cascade the removal would take; write nothing.' })),
  service_keys: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('revoke'), Type.Literal('rotate')], {
    description: 'What to do with the live SERVICE keys the person created (directly or through a bot key): keep (default), revoke, or rotate (200 with each new raw key, shown once).',
  })),
}, { additionalProperties: false });

export const CascadeServiceKey = Type.Object({
  id: Id,
  name: Type.String(),
  redacted_key: Type.String(),
  created_by_user_id: Id,
  /** The spaces the key's bot user is a member of. */
  spaces: Type.Array(Id),
  /** Rotated: the key this one replaces (revoked at once) and the new raw key, shown once. */
  replaces_key_id: Type.Optional(Id),
  key: Type.Optional(Type.String()),
});

/** 200 answer of a dry run or a rotation: what the removal took (or would take) and the person's service keys. */
export const RemovalCascadeBody = Type.Object({
  dry_run: Type.Boolean(),
  service_keys_action: Type.Union([Type.Literal('keep'), Type.Literal('revoke'), Type.Literal('rotate')]),
  organization_memberships: Type.Integer(),
  space_memberships: Type.Integer(),
  role_bindings: Type.Integer(),
  user_keys_revoked: Type.Integer(),
  service_keys: Type.Array(CascadeServiceKey),
  /** A dry run's: each principal whose effective permissions the removal would move, and how (as in AccessPreview). */
  principals: Type.Optional(Type.Array(PrincipalAccessChange)),
  principals_omitted: PrincipalsOmitted,
});
