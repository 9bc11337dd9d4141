import { type Static, type TOptional, type TProperties, Type } from '@sinclair/typebox';
import { Id, ListQuery, Name, Pagination, Timestamp } from './common.js';

/**
 * Single sign-on configuration: `/v2/saml-identity-providers` (Arize's REST names) and
 * `/v2/oidc-identity-providers` (this product's extension), each with `/{idp_id}/role-mappings`.
 * Ids: `SamlIdentityProvider:n`, `OidcIdentityProvider:n`, `RoleMapping:n` (padded standard base64).
 */

/** An email domain (a DNS name, no wildcard): lower-cased by the server, which also checks it is a DNS name (400 naming it). */
export const EmailDomain = Type.String({ minLength: 3, maxLength: 253 });

export const EmailDomainState = Type.Object({ domain: Type.String(), validated: Type.Boolean() });

/** One rule's grants and matches, as requests give them (§4.2 of the identity contract). */
const OrgRole = Type.Object({ org_id: Id, role_id: Id }, { additionalProperties: false });
const SpaceRole = Type.Object({ space_id: Id, role_id: Id }, { additionalProperties: false });
const ProjectRole = Type.Object({ project_id: Id, role_id: Id }, { additionalProperties: false });
/** TypeBox's Record drops its key schema's bounds (it keys by pattern): `propertyNames` carries them to the validator. */
const AttributesMap = Type.Record(Type.String(), Type.String({ maxLength: 1000 }), {
  maxProperties: 50, propertyNames: { minLength: 1, maxLength: 1000 },
});

const mappingFields = {
  attributes_map: AttributesMap,
  is_account_admin: Type.Boolean(),
  org_role: Type.Union([OrgRole, Type.Null()]),
  space_roles: Type.Array(SpaceRole, { maxItems: 200 }),
  project_roles: Type.Array(ProjectRole, { maxItems: 200 }),
};

export const RoleMapping = Type.Object({
  id: Id,
  position: Type.Integer({ minimum: 1 }),
  attributes_map: Type.Record(Type.String(), Type.String()),
  is_account_admin: Type.Boolean(),
  org_role: Type.Union([Type.Object({ org_id: Id, role_id: Id }), Type.Null()]),
  space_roles: Type.Array(Type.Object({ space_id: Id, role_id: Id })),
  project_roles: Type.Array(Type.Object({ project_id: Id, role_id: Id })),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** A new rule: `attributes_map` and at least one grant; `position` defaults to last. */
export const CreateRoleMappingBody = Type.Object({
  attributes_map: AttributesMap,
  is_account_admin: Type.Optional(mappingFields.is_account_admin),
  org_role: Type.Optional(mappingFields.org_role),
  space_roles: Type.Optional(mappingFields.space_roles),
  project_roles: Type.Optional(mappingFields.project_roles),
  position: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

export const UpdateRoleMappingBody = Type.Partial(CreateRoleMappingBody, { additionalProperties: false });

/** A rule inside an identity provider's create body (its place is its index). */
export const InitialRoleMapping = Type.Omit(CreateRoleMappingBody, ['position'], { additionalProperties: false });

export const RoleMappingParams = Type.Object({ idp_id: Id, mapping_id: Id });
export const IdentityProviderParams = Type.Object({ idp_id: Id });
export const IdentityProviderListQuery = Type.Object({ ...ListQuery }, { additionalProperties: false });

export const RoleMappingList = Type.Object({ role_mappings: Type.Array(RoleMapping), pagination: Pagination });

/** `POST …/role-mappings/evaluate`: a dry run of the mappings for some attributes, nothing written. */
export const EvaluateRoleMappingsBody = Type.Object({
  attributes: Type.Record(Type.String(), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 1000 }), {
    maxProperties: 200, propertyNames: { minLength: 1, maxLength: 1000 },
  }),
  user_id: Type.Optional(Id),
}, { additionalProperties: false });

/** One grant the mappings give: what, on which resource, with which role, and the rule (position) or default behind it. */
export const EvaluatedGrant = Type.Object({
  kind: Type.Union([
    Type.Literal('ACCOUNT_ADMIN'), Type.Literal('ORGANIZATION_MEMBERSHIP'), Type.Literal('SPACE_MEMBERSHIP'),
    Type.Literal('SPACE_ROLE_BINDING'), Type.Literal('PROJECT_ROLE_BINDING'),
  ]),
  resource_id: Type.Optional(Id),
  role_id: Type.Optional(Id),
  mapping_position: Type.Optional(Type.Integer()),
  origin: Type.Union([Type.Literal('MAPPING'), Type.Literal('DEFAULT'), Type.Literal('IMPLIED')]),
});

export const EvaluateRoleMappingsResult = Type.Object({
  matched: Type.Array(Id),
  grants: Type.Array(EvaluatedGrant),
  defaults_used: Type.Boolean(),
});

/** Fields every provider has, whatever its protocol. */
const sharedWritable = {
  name: Name,
  email_domains: Type.Array(EmailDomain, { minItems: 1, maxItems: 100 }),
  enabled: Type.Boolean(),
  allow_only_sso_logins: Type.Boolean(),
  sync_user_roles: Type.Boolean(),
  allow_default_login: Type.Boolean(),
  default_org_id: Type.Union([Id, Type.Null()]),
  default_org_role_id: Type.Union([Id, Type.Null()]),
  default_space_id: Type.Union([Id, Type.Null()]),
  default_space_role_id: Type.Union([Id, Type.Null()]),
};

/** Every field of a provider's settings as optional: a create body gives what it needs and defaults fill the rest. */
function optional<T extends TProperties>(fields: T): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, Type.Optional(schema)])) as { [K in keyof T]: TOptional<T[K]> };
}

const initialRoleMappings = { role_mappings: Type.Optional(Type.Array(InitialRoleMapping, { maxItems: 500 })) };

const sharedRead = {
  id: Id,
  name: Type.String(),
  email_domains: Type.Array(EmailDomainState),
  enabled: Type.Boolean(),
  allow_only_sso_logins: Type.Boolean(),
  sync_user_roles: Type.Boolean(),
  allow_default_login: Type.Boolean(),
  default_org_id: Type.Union([Id, Type.Null()]),
  default_org_role_id: Type.Union([Id, Type.Null()]),
  default_space_id: Type.Union([Id, Type.Null()]),
  default_space_role_id: Type.Union([Id, Type.Null()]),
  /** Arize's on-prem file-managed providers are not in this product: always false. */
  is_managed_by_file: Type.Boolean(),
  /** Where users start a login through this provider (works for unvalidated domains too). */
  login_url: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

// ---- SAML -----------------------------------------------------------------------------------------------------

const samlWritable = {
  ...sharedWritable,
  metadata_url: Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()]),
  metadata_xml: Type.Union([Type.String({ minLength: 1, maxLength: 512 * 1024 }), Type.Null()]),
  sign_authn: Type.Boolean(),
  allow_idp_initiated: Type.Boolean(),
};

export const IdpCertificate = Type.Object({ sha256_fingerprint: Type.String(), not_after: Type.Union([Timestamp, Type.Null()]) });

const samlRead = {
  ...sharedRead,
  metadata_url: Type.Union([Type.String(), Type.Null()]),
  idp_entity_id: Type.Union([Type.String(), Type.Null()]),
  idp_sso_url: Type.Union([Type.String(), Type.Null()]),
  idp_certificates: Type.Array(IdpCertificate),
  metadata_fetched_at: Type.Union([Timestamp, Type.Null()]),
  sign_authn: Type.Boolean(),
  allow_idp_initiated: Type.Boolean(),
  /** What to give the IdP admin: this server's SP metadata. */
  sp_metadata_url: Type.String(),
  sp_entity_id: Type.String(),
  acs_url: Type.String(),
};

/** List entry: no `metadata_xml`, no `role_mappings` (get one provider for the full configuration). */
export const SamlIdentityProviderSummary = Type.Object(samlRead);

export const SamlIdentityProvider = Type.Object({
  ...samlRead,
  metadata_xml: Type.Union([Type.String(), Type.Null()]),
  role_mappings: Type.Array(RoleMapping),
});

export const CreateSamlIdentityProviderBody = Type.Object({
  ...optional(samlWritable),
  name: samlWritable.name,
  email_domains: samlWritable.email_domains,
  ...initialRoleMappings,
}, { additionalProperties: false });

export const UpdateSamlIdentityProviderBody = Type.Partial(Type.Object(samlWritable), { additionalProperties: false });

export const SamlIdentityProviderList = Type.Object({ saml_identity_providers: Type.Array(SamlIdentityProviderSummary), pagination: Pagination });

// ---- OIDC -----------------------------------------------------------------------------------------------------

/** A JMESPath expression into the ID token's (or userinfo's) claims, e.g. `groups`, `realm_access.roles`. */
const ClaimPath = Type.String({ minLength: 1, maxLength: 500 });

const oidcWritable = {
  ...sharedWritable,
  issuer: Type.String({ minLength: 1, maxLength: 2048 }),
  client_id: Type.String({ minLength: 1, maxLength: 500 }),
  /** Write-only: answers carry `redacted_client_secret`. */
  client_secret: Type.String({ minLength: 1, maxLength: 2000 }),
  scopes: Type.Array(Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$' }), { minItems: 1, maxItems: 50 }),
  email_claim_path: ClaimPath,
  name_claim_path: ClaimPath,
  groups_claim_path: Type.Union([ClaimPath, Type.Null()]),
  use_userinfo: Type.Boolean(),
};

const oidcRead = {
  ...sharedRead,
  issuer: Type.String(),
  client_id: Type.String(),
  /** The last four characters of the client secret (`…wxyz`), or null when none is set. */
  redacted_client_secret: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(Type.String()),
  email_claim_path: Type.String(),
  name_claim_path: Type.String(),
  groups_claim_path: Type.Union([Type.String(), Type.Null()]),
  use_userinfo: Type.Boolean(),
  /** What to register at the OpenID Provider: `{public_url}/auth/oidc/callback`. */
  redirect_uri: Type.String(),
};

export const OidcIdentityProviderSummary = Type.Object(oidcRead);

export const OidcIdentityProvider = Type.Object({ ...oidcRead, role_mappings: Type.Array(RoleMapping) });

export const CreateOidcIdentityProviderBody = Type.Object({
  ...optional(oidcWritable),
  name: oidcWritable.name,
  email_domains: oidcWritable.email_domains,
  issuer: oidcWritable.issuer,
  client_id: oidcWritable.client_id,
  ...initialRoleMappings,
}, { additionalProperties: false });

export const UpdateOidcIdentityProviderBody = Type.Partial(Type.Object(oidcWritable), { additionalProperties: false });

export const OidcIdentityProviderList = Type.Object({ oidc_identity_providers: Type.Array(OidcIdentityProviderSummary), pagination: Pagination });

// ---- Sign-in routing ------------------------------------------------------------------------------------------

/** `POST /auth/sso/discover`: from the email's domain alone, never whether the user exists. */
export const SsoDiscoverBody = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }, { additionalProperties: false });

export const SsoDiscoverResult = Type.Object({
  sso: Type.Boolean(),
  protocol: Type.Optional(Type.Union([Type.Literal('SAML'), Type.Literal('OIDC')])),
  login_url: Type.Optional(Type.String()),
  password_allowed: Type.Boolean(),
});

/** `GET /v2/sso/service-provider`: what to give an IdP admin (`ax sso sp-info`, the console's Service provider panel). */
export const ServiceProviderInfo = Type.Object({
  entity_id: Type.String(),
  acs_url: Type.String(),
  metadata_url: Type.String(),
  oidc_redirect_uri: Type.String(),
});

/** `GET /{idp_id}/users/{user_id}`: a user's link to the provider and what its last login asserted (`ax sso explain`). */
export const IdentityLink = Type.Object({
  user_id: Id,
  subject: Type.String(),
  last_login_at: Type.Union([Timestamp, Type.Null()]),
  last_attributes: Type.Record(Type.String(), Type.Array(Type.String())),
  /** What those attributes map to now (the evaluation of the current mappings). */
  evaluation: EvaluateRoleMappingsResult,
});
export const IdentityLinkParams = Type.Object({ idp_id: Id, user_id: Id });

export type RoleMappingWire = Static<typeof RoleMapping>;
export type SamlIdentityProviderWire = Static<typeof SamlIdentityProvider>;
export type OidcIdentityProviderWire = Static<typeof OidcIdentityProvider>;
