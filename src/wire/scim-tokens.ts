import { Type } from '@sinclair/typebox';
import { Id, ListQuery, Pagination, Timestamp } from './common.js';

/** A directory's SCIM token as lists show it (identity.md §5.1): never the raw token. */
export const ScimToken = Type.Object({
  id: Id,
  name: Type.String(),
  redacted_token: Type.String(),
  created_by_user_id: Id,
  created_at: Timestamp,
  expires_at: Type.Optional(Timestamp),
  last_used_at: Type.Optional(Timestamp),
});

/** The create answer: the record plus the raw `token`, shown this once. */
export const CreatedScimToken = Type.Composite([ScimToken, Type.Object({ token: Type.String() })]);

// Not blank, and no NUL character (PostgreSQL text cannot hold one).
const TokenName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' });

export const CreateScimTokenBody = Type.Object({
  /** Default "SCIM token". */
  name: Type.Optional(TokenName),
  /** In the future; none: the token lasts until revoked. */
  expires_at: Type.Optional(Timestamp),
}, { additionalProperties: false });

export const ScimTokenList = Type.Object({ scim_tokens: Type.Array(ScimToken), pagination: Pagination });
export const ScimTokenListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });
export const ScimTokenParams = Type.Object({ idp_id: Id, token_id: Id });

/** One failed SCIM request after authentication, as recorded (`SCIM_ERROR` audit rows). */
export const ScimRequestError = Type.Object({
  at: Timestamp,
  method: Type.String(),
  route: Type.String(),
  status: Type.Integer(),
  scim_type: Type.Optional(Type.String()),
  detail: Type.String(),
});

/**
 * `GET …/{idp_id}/scim-status`: what the console's Provisioning tab shows — where to point the directory, whether it
 * calls, and what went wrong lately.
 */
export const ScimStatus = Type.Object({
  /** What to paste into the directory as the SCIM base URL / tenant URL. */
  base_url: Type.String(),
  /** Tokens neither revoked nor expired. */
  live_tokens: Type.Integer(),
  /** The latest `last_used_at` of the provider's tokens (written at most once a minute per token). */
  last_request_at: Type.Union([Timestamp, Type.Null()]),
  /** When the directory's groups last changed someone's grants. */
  last_sync_at: Type.Union([Timestamp, Type.Null()]),
  /** Live users the directory manages. */
  users: Type.Integer(),
  groups: Type.Integer(),
  /** The latest 20, newest first. */
  recent_errors: Type.Array(ScimRequestError),
});
