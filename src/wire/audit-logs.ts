import { Type } from '@sinclair/typebox';
import { Id, ListQuery, Timestamp } from './common.js';

export const OperationType = Type.Union([Type.Literal('QUERY'), Type.Literal('MUTATION'), Type.Literal('SUBSCRIPTION')]);

/**
 * Authenticated actions only, so `user_id` is always there (Arize's schema requires it on every entry): a directory's
 * SCIM change, which no user made, reads `VXNlcjow` (User:0) with `variables.actor` naming its SCIM token.
 */
export const AuditLog = Type.Object({
  id: Id,
  user_id: Id,
  ip: Type.String(),
  operation_type: OperationType,
  operation_name: Type.Optional(Type.String()),
  operation_text: Type.Optional(Type.String()),
  variables: Type.Optional(Type.String()),
  created_at: Timestamp,
});

/**
 * Failed authentications (ours, not Arize's): one entry per address, reason, operation and targeted user in a
 * 10-minute window, with how many times it happened.
 */
export const AuthenticationFailure = Type.Object({
  ip: Type.String(),
  reason: Type.String({ description: 'why the credential was refused, e.g. wrong password, unknown email, unknown, revoked, expired, invalid_session, missing' }),
  operation: Type.String({ description: 'METHOD and route of the refused request' }),
  user_id: Type.Optional(Id),
  count: Type.Integer({ minimum: 1 }),
  first_at: Timestamp,
  last_at: Timestamp,
}, { description: 'Failed authentications, counted per window' });

export const ListAuditLogsQuery = Type.Object({
  /** Inclusive, RFC 3339; default end_time − 30 days. */
  start_time: Type.Optional(Timestamp),
  /** Inclusive, RFC 3339; default now. */
  end_time: Type.Optional(Timestamp),
  user_id: Type.Optional(Id),
  operation_type: Type.Optional(OperationType),
  ...ListQuery,
}, { additionalProperties: false });

export const ListAuthenticationFailuresQuery = Type.Object({
  /** Inclusive, RFC 3339; default end_time − 30 days. */
  start_time: Type.Optional(Timestamp),
  /** Inclusive, RFC 3339; default now. */
  end_time: Type.Optional(Timestamp),
  ...ListQuery,
}, { additionalProperties: false });
