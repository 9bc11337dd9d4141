import { Type } from '@sinclair/typebox';
import { GrantSource, Id, PermissionName, PermissionNameInput, PredefinedAccountRole, PredefinedRole, Problem } from './common.js';

/** One grant (or restriction, or absence of a grant) behind a decision, on the wire. */
export const AccessReason = Type.Object({
  effect: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
  source: Type.Union((['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING', 'RESTRICTION', 'NONE'] as const)
    .map((s) => Type.Literal(s))),
  text: Type.String(),
  role_id: Type.Optional(Id),
  role_name: Type.Optional(Type.String()),
  binding_id: Type.Optional(Id),
  /** Who wrote the grant (on POST /v2/access/check): an admin, or an identity provider's sync (identity.md §4.5). */
  grant_source: Type.Optional(GrantSource),
  /** The identity provider whose sync wrote the grant (SamlIdentityProvider or OidcIdentityProvider id). */
  source_idp_id: Type.Optional(Id),
  resource_type: Type.Union([Type.Literal('ACCOUNT'), Type.Literal('ORGANIZATION'), Type.Literal('SPACE'), Type.Literal('PROJECT')]),
  resource_id: Id,
});

export const AccessCheckResult = Type.Object({ allowed: Type.Boolean(), reasons: Type.Array(AccessReason) });

export const AccessPrincipals = Type.Object({
  principals: Type.Array(Type.Object({
    user_id: Id,
    user: Type.Object({ name: Type.String(), email: Type.String() }),
    is_bot: Type.Boolean(),
    permissions: Type.Array(PermissionName),
    grants: Type.Array(AccessReason),
  })),
});

/** `POST /v2/access/check` body. */
export const AccessCheckRequest = Type.Object({ user_id: Id, permission: PermissionNameInput, resource_id: Id }, { additionalProperties: false });

/**
 * `POST /v2/access/checks` body: several questions at once (a console page asks every button's question in one
 * request). The bound keeps one request's work small.
 */
export const AccessChecksRequest = Type.Object({
  checks: Type.Array(AccessCheckRequest, { minItems: 1, maxItems: 100 }),
}, { additionalProperties: false });

/**
 * The answers, in the order of the questions, each as `POST /v2/access/check` would answer it; a question that one
 * would refuse (403: another user's access; 404: a resource the caller cannot see) is answered `allowed: false`
 * with that refusal as `problem`, so that one refusal does not fail the others.
 */
export const AccessChecksResult = Type.Object({
  results: Type.Array(Type.Composite([AccessCheckResult, Type.Object({ problem: Type.Optional(Problem) })])),
});

/** The query of `GET /v2/access/grantable-roles` and `GET /v2/access/principals`: one organization, space or project. */
export const ResourceQuery = Type.Object({ resource_id: Id }, { additionalProperties: false });

/**
 * The predefined roles the caller may grant on a resource (a membership or a service key's role there): those
 * whose every permission the caller holds on it (the privilege ceiling). `account_roles` are the account roles a
 * service key the caller creates may get.
 */
export const GrantableRoles = Type.Object({
  resource_id: Id,
  roles: Type.Array(PredefinedRole),
  account_roles: Type.Array(PredefinedAccountRole),
});
