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

export const VerifyAuditLogsQuery = Type.Object({
  from_checkpoint: Type.Optional(Type.Boolean({ description: 'start after the newest checkpoint whose signature holds, trusting the entries it signed' })),
}, { additionalProperties: false });

/** The answer of `GET /v2/audit-logs/verify` (ours, not Arize's): whether the account's audit chain holds (docs/audit.md). */
export const AuditChainVerification = Type.Object({
  valid: Type.Boolean(),
  entries_checked: Type.Integer({ minimum: 0 }),
  trusted_through_seq: Type.Integer({ minimum: 0, description: 'entries up to this place were trusted on a checkpoint or an archive marker, not re-read (0: none)' }),
  archived_through_seq: Type.Integer({ minimum: 0, description: 'entries up to this place were archived out of the database (a signed marker says so; 0: none)' }),
  head_seq: Type.Integer({ minimum: 0, description: 'the recorded end of the chain' }),
  head_hash: Type.String(),
  checkpoints_checked: Type.Integer({ minimum: 0, description: 'checkpoints whose signature holds under the server\'s key' }),
  first_broken: Type.Optional(Type.Object({
    entry_id: Type.Optional(Id),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    reason: Type.String(),
  }, { description: 'the first place where the chain does not hold' })),
  public_key: Type.String({ description: 'the Ed25519 public key (raw 32 bytes, base64) that signs checkpoints' }),
  key_id: Type.String(),
}, { description: 'An audit chain verification' });

export const AuditCheckpoint = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hash: Type.String(),
  key_id: Type.String(),
  signature: Type.String({ description: 'Ed25519, base64, over ["ax-audit-checkpoint-v1", account_id, seq, hash, created_at]' }),
  created_at: Timestamp,
}, { description: 'A signed audit checkpoint' });

/** The answer of `POST /v2/audit-logs/archive`: what the retention moved out of the database now. */
export const AuditArchiveResult = Type.Object({
  archived_through_seq: Type.Integer({ minimum: 0, description: 'the chain now starts after this place in the database' }),
  entries_archived: Type.Integer({ minimum: 0 }),
  file: Type.Optional(Type.String({ description: 'the archive file written, relative to AX_AUDIT_ARCHIVE_DIR' })),
}, { description: 'An audit archive run' });
