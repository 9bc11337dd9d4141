import { type Static, Type } from '@sinclair/typebox';
import {
  AccountRoleAssignment, Id, ListQuery, PermissionName, PredefinedAccountRole, PredefinedRole, RoleAssignment, RoleAssignmentRequest, Timestamp,
} from './common.js';

export const KeyType = Type.Union([Type.Literal('USER'), Type.Literal('SERVICE')]);
export const KeyStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('REVOKED')]);

/**
 * Why nobody answers for a SERVICE key any more (identity.md §5.5): its creator — the person at the root of its
 * chain of creators — is deleted, deactivated, or no longer holds every permission of the key's roles (the
 * creation-time ceiling, evaluated now). Only `GET /v2/api-keys?orphaned=true` carries it.
 */
const OrphanedKeyReason = Type.Union([
  Type.Literal('CREATOR_DEACTIVATED'), Type.Literal('CREATOR_DELETED'), Type.Literal('CREATOR_LACKS_ROLES'),
]);
const KeyOrphaning = Type.Object({
  reason: OrphanedKeyReason,
  /** CREATOR_LACKS_ROLES: the first permission missing (absent when the key's account role ADMIN is what the creator lost). */
  missing_permission: Type.Optional(PermissionName),
});

export const ServiceKeyBotUser = Type.Object({
  id: Id,
  name: Type.String(),
  account_role: AccountRoleAssignment,
  organizations: Type.Array(Type.Object({
    org_id: Id,
    role: RoleAssignment,
    spaces: Type.Array(Type.Object({ space_id: Id, role: RoleAssignment })),
  })),
});

/**
 * [ours] Rotation telemetry: on a key a refresh replaced that still works (its grace period runs until `expires_at`),
 * how much it is still used — so its owner knows when nothing uses it any more. Counted per request on every process
 * (other processes' uses show within about a second); "the last hour" is the current UTC minute and the 59 before it.
 */
export const GraceUsage = Type.Object({
  uses_since_refresh: Type.Integer({ minimum: 0 }),
  uses_last_hour: Type.Integer({ minimum: 0 }),
  last_used_at: Type.Optional(Timestamp),
  last_used_ip: Type.Optional(Type.String()),
});

export const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  key_type: KeyType,
  status: KeyStatus,
  redacted_key: Type.String(),
  created_by_user_id: Id,
  created_at: Timestamp,
  expires_at: Type.Optional(Timestamp),
  last_used_at: Type.Optional(Timestamp),
  orphaned: Type.Optional(KeyOrphaning),
  /**
   * [ours] A key a refresh replaced: the id of the key that replaced it. With a grace period the old key stays
   * ACTIVE until its `expires_at`; without one it is REVOKED.
   */
  replaced_by_api_key_id: Type.Optional(Id),
  grace_usage: Type.Optional(GraceUsage),
  /**
   * A SERVICE key's bot user and its scope: in the create answer, and [ours] on each SERVICE key of
   * `GET /v2/api-keys?all_users=true` (the account admins' inventory).
   */
  bot_user: Type.Optional(ServiceKeyBotUser),
});

// Not blank, and no NUL character (PostgreSQL text cannot hold one: it would fail as a 500, not a 400).
const Name = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' });
const Description = Type.String({ maxLength: 1000, pattern: '^[^\\u0000]*$' });

const CreateUserApiKey = Type.Object({
  key_type: Type.Literal('USER'),
  name: Name,
  description: Type.Optional(Description),
  expires_at: Type.Optional(Timestamp),
}, { additionalProperties: false });

// The array bounds keep one request's work bounded; the "at least one" rules are 422s, checked by the service.
const CreateServiceApiKey = Type.Object({
  key_type: Type.Literal('SERVICE'),
  name: Name,
  description: Type.Optional(Description),
  expires_at: Type.Optional(Timestamp),
  account_role: Type.Optional(RoleAssignmentRequest(PredefinedAccountRole)),
  organizations: Type.Array(Type.Object({
    org_id: Id,
    role: Type.Optional(RoleAssignmentRequest(PredefinedRole)),
    spaces: Type.Array(Type.Object({
      space_id: Id,
      role: Type.Optional(RoleAssignmentRequest(PredefinedRole)),
    }, { additionalProperties: false }), { maxItems: 1000 }),
  }, { additionalProperties: false }), { maxItems: 100 }),
}, { additionalProperties: false });

export type CreateUserApiKeyBody = Static<typeof CreateUserApiKey>;
export type CreateServiceApiKeyBody = Static<typeof CreateServiceApiKey>;

/**
 * `POST /v2/api-keys` body, discriminated by `key_type`. Written as if/then/else rather than a union so that
 * a bad body is answered with the error of the variant it names (`organizations: …`), not with "matches no
 * shape": the validator checks `key_type` first, then only the chosen variant.
 */
export const CreateApiKey = Type.Unsafe<CreateUserApiKeyBody | CreateServiceApiKeyBody>({
  type: 'object',
  required: ['key_type'],
  properties: { key_type: { type: 'string', enum: ['USER', 'SERVICE'] } },
  if: { properties: { key_type: { const: 'SERVICE' } } },
  then: CreateServiceApiKey,
  else: CreateUserApiKey,
});

/** Create (201) and refresh (200) answers: the key record plus the raw key, shown this once. */
export const CreatedApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String() })]);
export const RefreshedApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String() })]);

export const RefreshApiKey = Type.Object({
  expires_at: Type.Optional(Timestamp),
  grace_period_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
}, { additionalProperties: false });

export const ApiKeyParams = Type.Object({ api_key_id: Id });

/** `POST /v2/api-keys/{api_key_id}/transfer`: the person who becomes the SERVICE key's creator. */
export const TransferApiKey = Type.Object({ created_by_user_id: Id }, { additionalProperties: false });

export const ListApiKeysQuery = Type.Object({
  key_type: Type.Optional(KeyType),
  /** The server's default is ACTIVE. */
  status: Type.Optional(KeyStatus),
  space_id: Type.Optional(Id),
  /** Another user's keys: account admins only. */
  user_id: Type.Optional(Id),
  /** Every key this person created, directly or through a bot key they created: account admins (or oneself). */
  created_by_user_id: Type.Optional(Id),
  /**
   * `true`: only the account's orphaned SERVICE keys, each with its `orphaned` reason (account admins; the other
   * filters narrow it). `false` is the same as leaving it out.
   */
  orphaned: Type.Optional(Type.Boolean()),
  /**
   * [ours] `true`: every key of the account, whoever created it, each SERVICE key with its `bot_user` scope (account
   * admins; 403 otherwise; the other filters narrow it). `false` is the same as leaving it out.
   */
  all_users: Type.Optional(Type.Boolean()),
  ...ListQuery,
}, { additionalProperties: false });
