import type { Generated, Selectable } from 'kysely';
import type { AccountRoleKey } from '../domain/account-roles.js';

/**
 * The data model, in one place. Timestamps are RFC 3339 UTC strings (`Date#toISOString()`), which sort
 * correctly as text on both SQLite and PostgreSQL; booleans are 0/1 integers on both.
 */
export interface Database {
  server_settings: ServerSettingsTable;
  accounts: AccountsTable;
  users: UsersTable;
  organizations: OrganizationsTable;
  spaces: SpacesTable;
  projects: ProjectsTable;
  roles: RolesTable;
  organization_memberships: OrganizationMembershipsTable;
  space_memberships: SpaceMembershipsTable;
  role_bindings: RoleBindingsTable;
  resource_restrictions: ResourceRestrictionsTable;
  api_keys: ApiKeysTable;
  user_tokens: UserTokensTable;
  sessions: SessionsTable;
  audit_logs: AuditLogsTable;
  authentication_failures: AuthenticationFailuresTable;
  identity_providers: IdentityProvidersTable;
  identity_provider_domains: IdentityProviderDomainsTable;
  role_mappings: RoleMappingsTable;
  user_identities: UserIdentitiesTable;
  sso_login_attempts: SsoLoginAttemptsTable;
  saml_assertions_seen: SamlAssertionsSeenTable;
  oauth_payloads: OAuthPayloadsTable;
  scim_tokens: ScimTokensTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  audit_chain_heads: AuditChainHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
  access_reviews: AccessReviewsTable;
  access_review_grants: AccessReviewGrantsTable;
  api_key_grace_usage: ApiKeyGraceUsageTable;
  api_key_grace_minutes: ApiKeyGraceMinutesTable;
}

/** Key/value settings shared by every process of a deployment (e.g. the HMAC pepper for keys and cursors). */
export interface ServerSettingsTable {
  name: string;
  value: string;
}

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
  /** Bumped by every change that may take rights away; grants compare it with their snapshot's (migration 003). */
  access_version: Generated<number>;
}

export type { AccountRoleKey };
export type UserStatus = 'ACTIVE' | 'INVITED' | 'EXPIRED';

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Bots get a synthetic address under `.bots.invalid`; unique per account among live humans. */
  email: string;
  email_lower: string;
  role: AccountRoleKey;
  status: UserStatus;
  is_developer: number;
  is_bot: number;
  /** scrypt hash `scrypt$N$r$p$salt$hash`; null until a password is set. */
  password_hash: string | null;
  must_change_password: number;
  /** Who made the account role what it is: null (an admin) or `SSO:<idp id>` / `SCIM:<idp id>` (a sync promoted it). */
  role_source: string | null;
  /** The role a sync promoted the user from; a sync demotes only to this (migration 005). */
  role_before_sync: AccountRoleKey | null;
  /** Deprovisioned (SCIM `active: false` or an admin's deactivate): kept, but no credential of the user works (migration 007). */
  deactivated_at: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrganizationsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface SpacesTable {
  id: Generated<number>;
  account_id: number;
  organization_id: number;
  name: string;
  description: string;
  is_private: number;
  created_at: string;
  updated_at: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  account_id: number;
  space_id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

/**
 * Roles of an account. Each account has one row per predefined role (`predefined_key` set, `permissions`
 * null: their sets live in src/domain/predefined-roles.ts) so that memberships and bindings always point at
 * a role row; custom roles carry their permissions as a JSON array.
 */
export interface RolesTable {
  id: Generated<number>;
  account_id: number;
  predefined_key: 'ADMIN' | 'MEMBER' | 'READ_ONLY' | 'ANNOTATOR' | null;
  name: string;
  description: string | null;
  permissions: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrganizationMembershipsTable {
  id: Generated<number>;
  account_id: number;
  organization_id: number;
  user_id: number;
  role_id: number;
  /** Who wrote the grant: `MANUAL` (the API, console, CLI) or an identity provider's `SSO` / `SCIM` sync (migration 005). */
  source: Generated<GrantSourceColumn>;
  source_idp_id: number | null;
  created_at: string;
  updated_at: string;
  /** When the grant stops counting and the sweeper removes it (migration 010); null: it does not expire. */
  expires_at: string | null;
  /** Why it was given, as the granting admin wrote it (migration 010). */
  reason: string | null;
}

export interface SpaceMembershipsTable {
  id: Generated<number>;
  account_id: number;
  space_id: number;
  user_id: number;
  role_id: number;
  /** Who wrote the grant: `MANUAL` (the API, console, CLI) or an identity provider's `SSO` / `SCIM` sync (migration 005). */
  source: Generated<GrantSourceColumn>;
  source_idp_id: number | null;
  created_at: string;
  updated_at: string;
  /** When the grant stops counting and the sweeper removes it (migration 010); null: it does not expire. */
  expires_at: string | null;
  /** Why it was given, as the granting admin wrote it (migration 010). */
  reason: string | null;
}

/** One binding per (user, resource): exactly one of space_id / project_id is set, per resource_type. */
export interface RoleBindingsTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  role_id: number;
  resource_type: 'SPACE' | 'PROJECT';
  space_id: number | null;
  project_id: number | null;
  /** Who wrote the grant: `MANUAL` (the API, console, CLI) or an identity provider's `SSO` / `SCIM` sync (migration 005). */
  source: Generated<GrantSourceColumn>;
  source_idp_id: number | null;
  created_at: string;
  updated_at: string;
  /** When the grant stops counting and the sweeper removes it (migration 010); null: it does not expire. */
  expires_at: string | null;
  /** Why it was given, as the granting admin wrote it (migration 010). */
  reason: string | null;
}

export interface ResourceRestrictionsTable {
  project_id: number;
  account_id: number;
  created_at: string;
}

/** Migration 013: a refreshed key's uses during its grace period (rotation telemetry). */
export interface ApiKeyGraceUsageTable {
  api_key_id: number;
  account_id: number;
  uses: number;
  last_used_at: string;
  last_used_ip: string;
}

/** Migration 013: a key in grace's uses per UTC minute (`YYYY-MM-DDTHH:MM`), kept two hours. */
export interface ApiKeyGraceMinutesTable {
  api_key_id: number;
  minute: string;
  uses: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  account_id: number;
  /** The principal the key authenticates as: the creator for USER keys, the bot user for SERVICE keys. */
  user_id: number;
  created_by_user_id: number;
  /**
   * The human at the root of the chain of creators (a key minted by a bot: the person who created the bot's key);
   * null means created_by_user_id is that human (rows written before migration 003 are backfilled).
   */
  root_creator_user_id: number | null;
  key_type: 'USER' | 'SERVICE';
  name: string;
  description: string | null;
  /** The public key id embedded in the raw key (`ak-<public_id>-<secret>`), for O(1) lookup. */
  public_id: string;
  /** HMAC-SHA-256 of the raw key with the server pepper, hex. */
  secret_hash: string;
  last4: string;
  status: 'ACTIVE' | 'REVOKED';
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** Set on the old record when it was refreshed: the replacement's id. */
  replaced_by_id: number | null;
  created_at: string;
}

export interface UserTokensTable {
  id: Generated<number>;
  user_id: number;
  kind: 'INVITE' | 'RESET';
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Last request seen, written at most once a minute (idle timeout; null: not used since created_at). */
  last_seen_at: string | null;
}

export interface AuditLogsTable {
  id: Generated<number>;
  account_id: number | null;
  user_id: number | null;
  ip: string;
  operation_type: 'MUTATION' | 'QUERY' | 'SUBSCRIPTION';
  operation_name: string | null;
  operation_text: string | null;
  variables: string | null;
  created_at: string;
  /** The entry's place in its account's audit chain (1, 2, …; migration 011, docs/audit.md). */
  chain_seq: number | null;
  /** SHA-256 (hex) over the entry's fields and the previous entry's hash. */
  chain_hash: string | null;
}

/** Per account, the last place and hash of its audit chain; the upsert on it serializes the account's audit writers. */
export interface AuditChainHeadsTable {
  account_id: number;
  seq: number;
  hash: string;
}

/** An Ed25519 signature (base64) over (account, seq, hash, created_at) by the key `key_id` kept outside the database. */
export interface AuditCheckpointsTable {
  account_id: number;
  seq: number;
  hash: string;
  key_id: string;
  signature: string;
  created_at: string;
}

/**
 * Failed authentications, kept apart from audit_logs (whose entries are authenticated actions) and counted: one row
 * per account, targeted user, address, reason and operation in a 10-minute window, updated rather than inserted.
 */
export interface AuthenticationFailuresTable {
  id: Generated<number>;
  /** The aggregation key of the row (its window and the columns above): unique. */
  bucket: string;
  /** The account the credential pointed at, when known (null: an unknown key or email). */
  account_id: number | null;
  /** The user whose credential was tried, when known (a wrong password for a known email, a known key). */
  user_id: number | null;
  ip: string;
  reason: string;
  operation: string;
  count: number;
  first_at: string;
  last_at: string;
}

export type GrantSourceColumn = 'MANUAL' | 'SSO' | 'SCIM';
export type IdentityProtocol = 'SAML' | 'OIDC';

/** An identity provider of an account (SAML or OIDC); soft-deleted (deleted_at) so audit rows keep their meaning. */
export interface IdentityProvidersTable {
  id: Generated<number>;
  account_id: number;
  protocol: IdentityProtocol;
  name: string;
  enabled: number;
  allow_only_sso_logins: number;
  sync_user_roles: number;
  allow_default_login: number;
  default_org_id: number | null;
  default_org_role_id: number | null;
  default_space_id: number | null;
  default_space_role_id: number | null;
  /** SAML: what the admin gave (exactly one of the two), and the metadata last fetched or parsed. */
  metadata_url: string | null;
  metadata_xml: string | null;
  metadata_cached: string | null;
  metadata_fetched_at: string | null;
  sign_authn: number;
  allow_idp_initiated: number;
  /** OIDC: the issuer, the client, and where to read email, name and groups in the claims (JMESPath). */
  issuer: string | null;
  client_id: string | null;
  /** AES-256-GCM of the client secret (`v1.<iv>.<tag>.<ciphertext>`, base64url parts). */
  client_secret_enc: string | null;
  /** JSON array of scopes. */
  scopes: string | null;
  email_claim_path: string | null;
  name_claim_path: string | null;
  groups_claim_path: string | null;
  use_userinfo: number;
  /** OIDC discovery document and JWKS, cached (JSON), with when they were fetched. */
  discovery_cached: string | null;
  discovery_fetched_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** An email domain routed to an identity provider: unique across all providers of all accounts (lower-case). */
export interface IdentityProviderDomainsTable {
  domain: string;
  idp_id: number;
  validated: number;
}

/** One role-mapping rule of an identity provider, in configuration order (`position`, 1-based). */
export interface RoleMappingsTable {
  id: Generated<number>;
  account_id: number;
  idp_id: number;
  position: number;
  /** JSON: attribute name → value. */
  attributes_map: string;
  is_account_admin: number;
  /** JSON `{org_id, role_id}` (row ids) or null. */
  org_role: string | null;
  /** JSON `[{space_id, role_id}]` (row ids). */
  space_roles: string;
  /** JSON `[{project_id, role_id}]` (row ids). */
  project_roles: string;
  created_at: string;
  updated_at: string;
}

/** A user's identity at a provider: `(idp, subject)` → user (subject: lower-cased NameID for SAML, `sub` for OIDC). */
export interface UserIdentitiesTable {
  idp_id: number;
  subject: string;
  user_id: number;
  provisioned_by_scim: number;
  last_login_at: string | null;
  /** JSON attribute map the last login asserted (for `ax sso explain`). */
  last_attributes: string | null;
  created_at: string;
  /** What a SCIM directory said about the user (migration 008): its `externalId`, `userName` verbatim and lower-cased. */
  scim_external_id: string | null;
  scim_user_name: string | null;
  scim_user_name_key: string | null;
  /** Every other SCIM attribute the directory sent (JSON), returned as sent. */
  scim_attributes: string | null;
  scim_updated_at: string | null;
}

/** A directory's SCIM bearer token (migration 008): one identity provider's, stored like an API key. */
export interface ScimTokensTable {
  id: Generated<number>;
  account_id: number;
  idp_id: number;
  /** The public id embedded in the raw token (`axscim-<public_id>-<secret>`), for O(1) lookup. */
  public_id: string;
  /** HMAC-SHA-256 of the raw token with the server pepper, hex. */
  secret_hash: string;
  last4: string;
  name: string;
  created_by_user_id: number;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A directory's group (migration 008): role-mapping input only. `display_name_key` is the lower-cased name. */
export interface ScimGroupsTable {
  id: Generated<number>;
  account_id: number;
  idp_id: number;
  display_name: string;
  display_name_key: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  group_id: number;
  user_id: number;
  created_at: string;
}

/** A started SSO login: what to check when the provider answers; single use, 10 minutes. */
export interface SsoLoginAttemptsTable {
  /** Random, url-safe. */
  id: string;
  idp_id: number;
  protocol: IdentityProtocol;
  /** SAML: the AuthnRequest ID (the response's InResponseTo). */
  request_id: string | null;
  /** OIDC: SHA-256 of `state` (hex), the nonce and the PKCE verifier. */
  state_hash: string | null;
  nonce: string | null;
  code_verifier: string | null;
  /** SHA-256 (hex) of the `ax_sso` cookie of the browser that started it; null for IdP-initiated logins. */
  browser_binding_hash: string | null;
  return_to: string;
  /** JSON of the verified identity, between the ACS and the completion. */
  result: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  completed_at: string | null;
}

/** SAML replay guard: an assertion id is accepted once per provider, remembered until it expires. */
export interface SamlAssertionsSeenTable {
  idp_id: number;
  assertion_id: string;
  expires_at: string;
}

/**
 * The OAuth server's state (oidc-provider's models: Interaction, Session, Grant, AuthorizationCode, AccessToken,
 * RefreshToken), one row each. `id` is the HMAC digest of the library's id, never a raw token.
 */
export interface OAuthPayloadsTable {
  row_id: Generated<number>;
  /** The library's model name. */
  model: string;
  id: string;
  /** The library's payload as JSON, without its `jti` (the raw id). */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  /** Our user id (the library's `accountId` is the user's REST id). */
  account_id: number | null;
  client_id: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  /** Grant rows: when a token of this login was last used or refreshed. */
  last_used_at: string | null;
}

export type OAuthPayloadRow = Selectable<OAuthPayloadsTable>;
export type IdentityProviderRow = Selectable<IdentityProvidersTable>;
export type RoleMappingRow = Selectable<RoleMappingsTable>;
export type ScimTokenRow = Selectable<ScimTokensTable>;
export type ScimGroupRow = Selectable<ScimGroupsTable>;
export type UserIdentityRow = Selectable<UserIdentitiesTable>;
export type SsoLoginAttemptRow = Selectable<SsoLoginAttemptsTable>;
export type UserRow = Selectable<UsersTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type SpaceRow = Selectable<SpacesTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type RoleRow = Selectable<RolesTable>;
export type RoleBindingRow = Selectable<RoleBindingsTable>;
export type ResourceRestrictionRow = Selectable<ResourceRestrictionsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditLogRow = Selectable<AuditLogsTable>;
export type AuthenticationFailureRow = Selectable<AuthenticationFailuresTable>;

/** A signed snapshot of who can do what in an account (migration 012, docs/access-reviews.md). */
export interface AccessReviewsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  status: 'open' | 'closed';
  created_at: string;
  created_by_user_id: number;
  closed_at: string | null;
  closed_by_user_id: number | null;
  grant_count: number;
  /** Hex SHA-256 of the canonical encoding of the review and its frozen grants. */
  digest: string;
  /** Base64 Ed25519 signature of the digest with the audit signing key. */
  signature: string;
  key_id: string;
}

/** One frozen grant of a review (the columns up to `expires_at` are signed) and the reviewer's decision on it. */
export interface AccessReviewGrantsTable {
  id: Generated<number>;
  review_id: number;
  account_id: number;
  principal_type: 'USER' | 'SERVICE_KEY';
  user_id: number;
  principal_name: string;
  principal_email: string;
  principal_status: string;
  source: 'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'ROLE_BINDING';
  resource_type: 'ACCOUNT' | 'ORGANIZATION' | 'SPACE' | 'PROJECT';
  resource_id: number;
  resource_name: string;
  role_id: number | null;
  role_name: string;
  binding_id: number | null;
  provenance: 'MANUAL' | 'SSO' | 'SCIM';
  provenance_idp_id: number | null;
  expires_at: string | null;
  decision: 'keep' | 'revoke' | null;
  decided_by_user_id: number | null;
  decided_at: string | null;
  note: string | null;
  /** What deciding did: `kept`, `revoked`, or `already_gone` (the grant no longer existed). */
  outcome: string | null;
}
