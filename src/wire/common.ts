import { type TSchema, Type } from '@sinclair/typebox';
import { ACCOUNT_ROLE_KEYS, type AccountRoleKey } from '../domain/account-roles.js';
import { PERMISSIONS, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLE_KEYS, type PredefinedRoleKey } from '../domain/predefined-roles.js';

/** RFC 7807 problem body: every error the API answers with. */
export const Problem = Type.Object({
  status: Type.Integer(),
  title: Type.String(),
  detail: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
}, { $id: 'Problem' });

export const Pagination = Type.Object({
  has_more: Type.Boolean(),
  next_cursor: Type.Optional(Type.String()),
});

export const Timestamp = Type.String({ format: 'date-time' });
export const Id = Type.String({ minLength: 1, maxLength: 200 });

/** Who wrote a membership or role binding (identity.md §4.5): an admin (`MANUAL`) or an identity provider's sync. */
export const GrantSource = Type.Union([Type.Literal('MANUAL'), Type.Literal('SSO'), Type.Literal('SCIM')]);
/** The provenance of a membership or binding: `source_idp_id` (a SamlIdentityProvider or OidcIdentityProvider id) unless MANUAL. */
export const GrantProvenance = { source: GrantSource, source_idp_id: Type.Optional(Id) };

/** `limit` 1..100 (default 50) and an opaque `cursor`, shared by every list. */
export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
};

/** The query of a list that takes nothing but a page (the member lists). */
export const PageQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

/** A name that is not blank (organizations, spaces, projects, roles, users). */
export const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
/** A description; `null` in an update clears it. */
export const Description = Type.String({ maxLength: 1000 });

/** A string `enum` (what OpenAPI generators turn into enum types; a union of literals is only `anyOf`). */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const PredefinedAccountRole = StringEnum<AccountRoleKey>(ACCOUNT_ROLE_KEYS);
export const PredefinedRole = StringEnum<PredefinedRoleKey>(PREDEFINED_ROLE_KEYS);

/** A permission of the catalogue, in answers. */
export const PermissionName = StringEnum<Permission>(PERMISSIONS);

/**
 * A permission in requests. Not validated against the enum here: the service checks it, so that an unknown name is
 * the 400 "invalid permission" naming it (as Arize answers). The OpenAPI document still lists the catalogue
 * (`x-enum-from` is read by finishOpenApiDocument).
 */
export const PermissionNameInput = Type.String({ minLength: 1, maxLength: 100, 'x-enum-from': 'PermissionName' });

/** Role assignment in responses: always carries `type`, which clients dispatch on. */
export function RoleAssignmentOf<T extends TSchema>(predefinedNames: T) {
  return Type.Union([
    Type.Object({ type: Type.Literal('PREDEFINED'), name: predefinedNames }),
    Type.Object({ type: Type.Literal('CUSTOM'), id: Id, name: Type.Optional(Type.String()) }),
  ]);
}

/** An organization or space role assignment in responses. */
export const RoleAssignment = RoleAssignmentOf(PredefinedRole);
/** An account role assignment in responses (users, bots). */
export const AccountRoleAssignment = RoleAssignmentOf(PredefinedAccountRole);

/** Role assignment in requests: `name` is ignored for CUSTOM. */
export function RoleAssignmentRequest<T extends TSchema>(predefinedNames: T) {
  return Type.Union([
    Type.Object({ type: Type.Literal('PREDEFINED'), name: predefinedNames }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('CUSTOM'), id: Id, name: Type.Optional(Type.String()) }, { additionalProperties: false }),
  ]);
}

/** An error answer: a problem document, with the content type it is sent with. */
export const problemResponse = { description: 'A problem document (RFC 9457)', content: { 'application/problem+json': { schema: Problem } } };

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: problemResponse, 401: problemResponse, 403: problemResponse, 404: problemResponse, 409: problemResponse,
  422: problemResponse, 429: problemResponse,
};

export function listResponse<K extends string, T extends TSchema>(key: K, item: T) {
  return Type.Object({ [key]: Type.Array(item), pagination: Pagination } as { [P in K]: ReturnType<typeof Type.Array<T>> } & { pagination: typeof Pagination });
}
