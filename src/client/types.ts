/**
 * Wire types of the `/v2` admin API. Answers, request bodies and list queries are the `Static<>` of the server's own
 * TypeBox schemas (src/wire), imported as types only: the client never loads TypeBox at run time, and a schema change
 * is a type change here (test/cli/client-types.test.ts fails when they drift). Optional fields are omitted by the
 * server rather than sent as `null`, so they are typed `?:`.
 */
import type { Static } from '@sinclair/typebox';
import type * as access from '../wire/access.js';
import type * as accessReviews from '../wire/access-reviews.js';
import type * as apiKeys from '../wire/api-keys.js';
import type * as auditLogs from '../wire/audit-logs.js';
import type * as secretScanning from '../wire/secret-scanning.js';
import type * as common from '../wire/common.js';
import type * as identityProviders from '../wire/identity-providers.js';
import type * as me from '../wire/me.js';
import type * as oauth from '../wire/oauth.js';
import type * as organizations from '../wire/organizations.js';
import type * as projects from '../wire/projects.js';
import type * as removal from '../wire/removal-cascade.js';
import type * as restrictions from '../wire/resource-restrictions.js';
import type * as roleBindings from '../wire/role-bindings.js';
import type * as roles from '../wire/roles.js';
import type * as scimTokens from '../wire/scim-tokens.js';
import type * as sessions from '../wire/sessions.js';
import type * as spaces from '../wire/spaces.js';
import type * as users from '../wire/users.js';

/** `pagination` member of every list response. `next_cursor` is present only when `has_more` is true. */
export type Pagination = Static<typeof common.Pagination>;

/**
 * Query parameters shared by every list endpoint: `limit` 1..100 (the server's default is 50), and `cursor`, the
 * `pagination.next_cursor` of the previous page, unchanged. The list queries below are the `Static<>` of the query
 * schemas, i.e. the values after the server's coercion (numbers, booleans, repeated parameters as arrays): the
 * transport writes them back as query strings.
 */
export type PageParams = Static<typeof common.PageQuery>;

export type UserStatus = Static<typeof users.UserStatus>;
export type InviteMode = Static<typeof users.InviteMode>;
export type AccountRoleName = Static<typeof common.PredefinedAccountRole>;
export type PredefinedRoleName = Static<typeof common.PredefinedRole>;
export type PermissionName = Static<typeof common.PermissionName>;
export type ApiKeyType = Static<typeof apiKeys.KeyType>;
export type ApiKeyStatus = Static<typeof apiKeys.KeyStatus>;
export type RoleBindingResourceType = Static<typeof roleBindings.BindingResourceType>;
export type RestrictionResourceType = Static<typeof restrictions.RestrictionResourceType>;
export type AuditOperationType = Static<typeof auditLogs.OperationType>;

/** An organization or space role assignment as responses carry it; `name` of a CUSTOM one is the role's display name. */
export type RoleAssignment = Static<typeof common.RoleAssignment>;
/** An account role assignment as responses carry it (users, bots). */
export type AccountRoleAssignment = Static<typeof common.AccountRoleAssignment>;

/** An organization or space role assignment as requests carry it (`name` of a CUSTOM one is ignored). */
export type RoleAssignmentRequest = Static<ReturnType<typeof common.RoleAssignmentRequest<typeof common.PredefinedRole>>>;
/** An account role assignment as requests carry it. */
export type AccountRoleAssignmentRequest = Static<ReturnType<typeof common.RoleAssignmentRequest<typeof common.PredefinedAccountRole>>>;

export type User = Static<typeof users.User>;

/** The 201 answer of `POST /v2/users`: the user, how it was invited and, for TEMPORARY_PASSWORD, the password. */
export type CreatedUser = Static<typeof users.CreatedUser>;

export type UserListParams = Static<typeof users.ListUsersQuery>;
export type CreateUserRequest = Static<typeof users.CreateUserBody>;
export type UpdateUserRequest = Static<typeof users.UpdateUserBody>;

export type OrganizationListParams = Static<typeof organizations.ListOrganizationsQuery>;
export type CreateOrganizationRequest = Static<typeof organizations.CreateOrganizationBody>;
/** `description: null` clears the description. */
export type UpdateOrganizationRequest = Static<typeof organizations.UpdateOrganizationBody>;

export type SpaceListParams = Static<typeof spaces.ListSpacesQuery>;
export type CreateSpaceRequest = Static<typeof spaces.CreateSpaceBody>;
/** `description: null` clears the description. */
export type UpdateSpaceRequest = Static<typeof spaces.UpdateSpaceBody>;

/** `POST /v2/organizations/{id}/users` and `POST /v2/spaces/{id}/users` body (the two schemas are the same shape). */
export type AddMemberRequest = Static<typeof organizations.AddOrganizationMemberBody> & Static<typeof spaces.AddSpaceMemberBody>;

export type ProjectListParams = Static<typeof projects.ListProjectsQuery>;
export type CreateProjectRequest = Static<typeof projects.CreateProjectBody>;
export type UpdateProjectRequest = Static<typeof projects.UpdateProjectBody>;

export type RoleListParams = Static<typeof roles.ListRolesQuery>;
export type CreateRoleRequest = Static<typeof roles.CreateRoleBody>;
/** `permissions` replaces the whole set (never empty); `description: null` clears the description. */
export type UpdateRoleRequest = Static<typeof roles.UpdateRoleBody>;
/** Query of `DELETE /v2/roles/{id}`. */
export type DeleteRoleParams = Static<typeof roles.DeleteRoleQuery>;

/** `resource_type` is required by the server. */
export type RoleBindingListParams = Static<typeof roleBindings.ListRoleBindingsQuery>;
export type CreateRoleBindingRequest = Static<typeof roleBindings.CreateRoleBindingBody>;
export type UpdateRoleBindingRequest = Static<typeof roleBindings.UpdateRoleBindingBody>;

export type ResourceRestrictionListParams = Static<typeof restrictions.ListResourceRestrictionsQuery>;
export type RestrictResourceRequest = Static<typeof restrictions.RestrictResourceBody>;

export type ApiKeyListParams = Static<typeof apiKeys.ListApiKeysQuery>;

/** `GET /v2/oauth-grants`: `user_id` (another user's logins: account admins), `limit`, `cursor`. */
export type OAuthGrantListParams = Static<typeof oauth.OAuthGrantListQuery>;

export type AuditLogListParams = Static<typeof auditLogs.ListAuditLogsQuery>;
export type AuthenticationFailureListParams = Static<typeof auditLogs.ListAuthenticationFailuresQuery>;
export type AuditVerifyParams = Static<typeof auditLogs.VerifyAuditLogsQuery>;

/** `GET /v2/me`: the authenticated principal (user or bot), how it authenticated, and its account-level permissions. */
export type Me = Static<typeof me.Me>;

export interface UserList { users: User[]; pagination: Pagination }
export interface OrganizationMemberList { memberships: OrganizationMember[]; pagination: Pagination }
export interface SpaceMemberList { memberships: SpaceMember[]; pagination: Pagination }
export interface OrganizationList { organizations: Organization[]; pagination: Pagination }
export interface SpaceList { spaces: Space[]; pagination: Pagination }
export interface ProjectList { projects: Project[]; pagination: Pagination }
export interface RoleList { roles: Role[]; pagination: Pagination }
export interface RoleBindingList { role_bindings: RoleBinding[]; pagination: Pagination }
export interface ResourceRestrictionList { resource_restrictions: ResourceRestriction[]; pagination: Pagination }
export interface ApiKeyList { api_keys: ApiKey[]; pagination: Pagination }
export interface OAuthGrantList { oauth_grants: OAuthGrant[]; pagination: Pagination }
export interface AuditLogList { logs: AuditLog[]; pagination: Pagination }
export interface AuthenticationFailureList { failures: AuthenticationFailure[]; pagination: Pagination }

export type Organization = Static<typeof organizations.Organization>;
export type OrganizationMembership = Static<typeof organizations.OrganizationMembership>;
/** A row of `GET /v2/organizations/{id}/users`: the membership and its user. */
export type OrganizationMember = Static<typeof organizations.OrganizationMember>;
export type Space = Static<typeof spaces.Space>;
export type SpaceMembership = Static<typeof spaces.SpaceMembership>;
/** A row of `GET /v2/spaces/{id}/users`: the membership and its user. */
export type SpaceMember = Static<typeof spaces.SpaceMember>;
/** Who a member is, in the member lists (beyond Arize's surface). */
export type MemberUser = Static<typeof users.MemberUser>;
export type Project = Static<typeof projects.Project>;
/** What deleting an organization would take with it (`DELETE …?dry_run=true`). */
export type OrganizationDeleteCascade = Static<typeof organizations.OrganizationDeleteCascade>;
/** What deleting a space would take with it (`DELETE …?dry_run=true`). */
export type SpaceDeleteCascade = Static<typeof spaces.SpaceDeleteCascade>;
/** What deleting a project would take with it (`DELETE …?dry_run=true`). */
export type ProjectDeleteCascade = Static<typeof projects.ProjectDeleteCascade>;
export type Role = Static<typeof roles.Role>;
export type RoleBinding = Static<typeof roleBindings.RoleBinding>;
export type ResourceRestriction = Static<typeof restrictions.ResourceRestriction>;
export type ApiKey = Static<typeof apiKeys.ApiKey>;
/** A CLI login (`ax auth login`): one OAuth grant, without its tokens. */
export type OAuthGrant = Static<typeof oauth.OAuthGrant>;

/** Query of the removals that report a cascade: a member's removal from an organization or space, a user's deletion. */
export type RemovalParams = Static<typeof removal.RemovalQuery>;
/** What to do with the live SERVICE keys a removed person created: keep (default), revoke, or rotate. */
export type ServiceKeyAction = NonNullable<RemovalParams['service_keys']>;
/** A SERVICE key the removed person created; a rotated one carries its new raw key (shown once) and the key it replaces. */
export type CascadeServiceKey = Static<typeof removal.CascadeServiceKey>;
/** What a removal took (or, dry run, would take), and the person's service keys. */
export type RemovalCascade = Static<typeof removal.RemovalCascadeBody>;

export type CreateUserApiKeyRequest = apiKeys.CreateUserApiKeyBody;
export type CreateServiceApiKeyRequest = apiKeys.CreateServiceApiKeyBody;
export type CreateApiKeyRequest = Static<typeof apiKeys.CreateApiKey>;
export type ServiceKeyOrgAssignment = CreateServiceApiKeyRequest['organizations'][number];
export type ServiceKeySpaceAssignment = ServiceKeyOrgAssignment['spaces'][number];
/** The bot user a service key authenticates as, with every default resolved by the server. */
export type ServiceKeyBotUser = Static<typeof apiKeys.ServiceKeyBotUser>;
/** `POST /v2/api-keys` answer: the key record plus the raw key, returned this once. */
export type CreatedApiKey = Static<typeof apiKeys.CreatedApiKey>;
/** `POST /v2/api-keys/{id}/refresh` body; `grace_period_seconds` 0..86400, 0 (the default) revokes the old key at once. */
export type RefreshApiKeyRequest = Static<typeof apiKeys.RefreshApiKey>;
/** `POST /v2/api-keys/{id}/refresh` answer: the new key record (new id) plus its raw key. */
export type RefreshedApiKey = Static<typeof apiKeys.RefreshedApiKey>;
/** `POST /v2/api-keys/{id}/transfer` body: the key's new owner (an ACTIVE user holding every permission of the key's roles). */
export type TransferApiKeyRequest = Static<typeof apiKeys.TransferApiKey>;

export type AuditLog = Static<typeof auditLogs.AuditLog>;
/** A failed authentication, counted per address, reason, operation and targeted user in a 10-minute window (ours, not Arize's). */
export type AuthenticationFailure = Static<typeof auditLogs.AuthenticationFailure>;
export type AuditChainVerification = Static<typeof auditLogs.AuditChainVerification>;
export type AuditCheckpoint = Static<typeof auditLogs.AuditCheckpoint>;
export type AuditArchiveResult = Static<typeof auditLogs.AuditArchiveResult>;
export type AccessReview = Static<typeof accessReviews.AccessReview>;
export type AccessReviewList = { access_reviews: AccessReview[]; pagination: Pagination };
export type AccessReviewGrant = Static<typeof accessReviews.AccessReviewGrant>;
export type AccessReviewGrantList = { grants: AccessReviewGrant[]; pagination: Pagination };
export type AccessReviewGrantListParams = Static<typeof accessReviews.ListAccessReviewGrantsQuery>;
export type AccessReviewDiff = Static<typeof accessReviews.AccessReviewDiff>;
export type AccessReviewExport = Static<typeof accessReviews.AccessReviewExport>;
export type AccessReviewVerification = Static<typeof accessReviews.AccessReviewVerification>;
export type AccessReviewDecision = Static<typeof accessReviews.DecideBody>;
export type AccessReviewDecisionAnswer = Static<typeof accessReviews.DecisionAnswer>;
export type ReportLeakRequest = Static<typeof secretScanning.ReportLeak>;
export type LeakReport = Static<typeof secretScanning.LeakReport>;

export type AccessCheckRequest = Static<typeof access.AccessCheckRequest>;
/** One grant (or the restriction, or the absence of a grant) that took part in an access decision. */
export type AccessReason = Static<typeof access.AccessReason>;
export type AccessCheckResult = Static<typeof access.AccessCheckResult>;
export type AccessPrincipals = Static<typeof access.AccessPrincipals>;
/** A principal that holds permissions on a resource, and the grants they come from. */
export type AccessPrincipal = AccessPrincipals['principals'][number];
export type AccessChecksRequest = Static<typeof access.AccessChecksRequest>;
export type AccessChecksResult = Static<typeof access.AccessChecksResult>;
/** `GET /v2/access/grantable-roles`: the roles the caller may grant on a resource (the privilege ceiling, answered by the server). */
export type GrantableRoles = Static<typeof access.GrantableRoles>;

/** RFC 9457 problem body of every error answer (other members may come along). */
export type Problem = Static<typeof common.Problem> & { [extra: string]: unknown };

/** The console's session (`/auth/session`, `/auth/login`): who is signed in, the CSRF token, whether a new password is due. */
export type ConsoleSession = Static<typeof sessions.ConsoleSession>;
/** `GET /auth/invitations/{token}`: who an invitation is for. */
export type Invitation = Static<typeof sessions.Invitation>;
/** `GET /auth/oauth/interactions/{uid}`: what the console's consent page shows for a CLI login. */
export type OAuthInteraction = Static<typeof oauth.OAuthInteraction>;
/** The answer to approving or denying a CLI login: where the browser goes next. */
export type OAuthInteractionDecision = Static<typeof oauth.InteractionDecision>;

/** Query of the identity-provider and role-mapping lists: `limit`, `cursor`. */
export type IdentityProviderListParams = Static<typeof identityProviders.IdentityProviderListQuery>;
/** A SAML identity provider in full: its configuration, the derived IdP facts, what to give the IdP admin, and its role mappings. */
export type SamlIdentityProvider = Static<typeof identityProviders.SamlIdentityProvider>;
/** A list entry: no `metadata_xml`, no `role_mappings` (get one provider for those). */
export type SamlIdentityProviderSummary = Static<typeof identityProviders.SamlIdentityProviderSummary>;
export type SamlIdentityProviderList = Static<typeof identityProviders.SamlIdentityProviderList>;
/** Exactly one of `metadata_url` and `metadata_xml`; `role_mappings` is required unless `allow_default_login`. */
export type CreateSamlIdentityProviderRequest = Static<typeof identityProviders.CreateSamlIdentityProviderBody>;
/** Any writable field; setting `metadata_url` clears `metadata_xml` and vice versa; `email_domains` replaces the set. */
export type UpdateSamlIdentityProviderRequest = Static<typeof identityProviders.UpdateSamlIdentityProviderBody>;
/** An OIDC identity provider in full (the client secret is write-only: answers carry `redacted_client_secret`). */
export type OidcIdentityProvider = Static<typeof identityProviders.OidcIdentityProvider>;
export type OidcIdentityProviderSummary = Static<typeof identityProviders.OidcIdentityProviderSummary>;
export type OidcIdentityProviderList = Static<typeof identityProviders.OidcIdentityProviderList>;
export type CreateOidcIdentityProviderRequest = Static<typeof identityProviders.CreateOidcIdentityProviderBody>;
export type UpdateOidcIdentityProviderRequest = Static<typeof identityProviders.UpdateOidcIdentityProviderBody>;
/** One rule of a provider's role mapping: attribute matches and the grants they give, at its 1-based `position`. */
export type RoleMapping = Static<typeof identityProviders.RoleMapping>;
export type RoleMappingList = Static<typeof identityProviders.RoleMappingList>;
/** A new rule: `attributes_map` and at least one grant; `position` defaults to last. */
export type CreateRoleMappingRequest = Static<typeof identityProviders.CreateRoleMappingBody>;
export type UpdateRoleMappingRequest = Static<typeof identityProviders.UpdateRoleMappingBody>;
/** A rule inside a provider's create body (its place is its index). */
export type InitialRoleMapping = Static<typeof identityProviders.InitialRoleMapping>;
/** A dry run of a provider's mappings: attribute name → values. */
export type EvaluateRoleMappingsRequest = Static<typeof identityProviders.EvaluateRoleMappingsBody>;
export type EvaluateRoleMappingsResult = Static<typeof identityProviders.EvaluateRoleMappingsResult>;
/** One grant the mappings give, with the rule (position) or default behind it. */
export type EvaluatedGrant = Static<typeof identityProviders.EvaluatedGrant>;
/** A user's link to a provider, what its last login asserted, and what that maps to now. */
export type IdentityLink = Static<typeof identityProviders.IdentityLink>;
/** `GET /v2/sso/service-provider`: what to give an IdP admin. */
export type ServiceProviderInfo = Static<typeof identityProviders.ServiceProviderInfo>;

/** A directory's SCIM token as lists show it: `redacted_token`, never the token. */
export type ScimToken = Static<typeof scimTokens.ScimToken>;
/** The create answer: the record plus the raw `token`, shown this once. */
export type CreatedScimToken = Static<typeof scimTokens.CreatedScimToken>;
/** `name` (default "SCIM token") and `expires_at` (in the future), both optional. */
export type CreateScimTokenRequest = Static<typeof scimTokens.CreateScimTokenBody>;
export type ScimTokenList = Static<typeof scimTokens.ScimTokenList>;
export type ScimTokenListParams = Static<typeof scimTokens.ScimTokenListQuery>;
/** A provider's SCIM connection: the base URL, live tokens, last request and sync, counts and recent errors. */
export type ScimStatus = Static<typeof scimTokens.ScimStatus>;
