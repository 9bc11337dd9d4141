/**
 * Wire types of the `/v2` admin API, as `spec/api.md` states them. Optional fields are omitted by the server
 * rather than sent as `null`, so they are typed `?:`.
 */

/** `pagination` member of every list response. `next_cursor` is present only when `has_more` is true. */
export interface Pagination {
  has_more: boolean;
  next_cursor?: string;
}

/** Query parameters shared by every list endpoint. */
export interface PageParams {
  /** 1..100; the server's default is 50. */
  limit?: number;
  /** `pagination.next_cursor` of the previous page, unchanged. */
  cursor?: string;
}

export type UserStatus = 'ACTIVE' | 'INVITED' | 'EXPIRED';
export type InviteMode = 'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE';
export type AccountRoleName = 'ADMIN' | 'MEMBER' | 'ANNOTATOR';
export type PredefinedRoleName = 'ADMIN' | 'MEMBER' | 'READ_ONLY' | 'ANNOTATOR';
export type ApiKeyType = 'USER' | 'SERVICE';
export type ApiKeyStatus = 'ACTIVE' | 'REVOKED';
export type RoleBindingResourceType = 'SPACE' | 'PROJECT';
export type RestrictionResourceType = 'PROJECT';
export type AuditOperationType = 'MUTATION' | 'QUERY' | 'SUBSCRIPTION';

/** A role assignment as responses carry it; `name` of a CUSTOM assignment is the custom role's display name. */
export type RoleAssignment<P extends string = PredefinedRoleName> =
  | { type: 'PREDEFINED'; name: P }
  | { type: 'CUSTOM'; id: string; name?: string };

/** A role assignment as requests carry it (a CUSTOM assignment names the role by id only). */
export type RoleAssignmentRequest<P extends string = PredefinedRoleName> =
  | { type: 'PREDEFINED'; name: P }
  | { type: 'CUSTOM'; id: string };

export interface User {
  id: string;
  name: string;
  email: string;
  role: RoleAssignment<AccountRoleName>;
  status: UserStatus;
  is_developer: boolean;
  created_at: string;
}

/** The 201 answer of `POST /v2/users`: the user, how it was invited and, for TEMPORARY_PASSWORD, the password. */
export interface CreatedUser extends User {
  invite_mode: InviteMode;
  temporary_password?: string;
}

export interface UserListParams extends PageParams {
  /** Case-insensitive substring of the email address. */
  email?: string;
  /** Repeatable; absent = ACTIVE, INVITED and EXPIRED. */
  status?: UserStatus[];
}

export interface CreateUserRequest {
  name: string;
  email: string;
  role: RoleAssignmentRequest<AccountRoleName>;
  invite_mode: InviteMode;
  is_developer?: boolean;
}

export interface UpdateUserRequest {
  name?: string;
  is_developer?: boolean;
}

export interface Organization {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

export interface OrganizationListParams extends PageParams {
  /** Case-insensitive substring of the name. */
  name?: string;
}

export interface CreateOrganizationRequest {
  name: string;
  description?: string;
}

export interface UpdateOrganizationRequest {
  name?: string;
  /** `null` clears the description. */
  description?: string | null;
}

export interface OrganizationMembership {
  id: string;
  organization_id: string;
  user_id: string;
  role: RoleAssignment;
}

export interface Space {
  id: string;
  name: string;
  description: string;
  is_private: boolean;
  created_at: string;
  /** Sent by this server; Arize's own omits it. */
  organization_id?: string;
}

export interface SpaceListParams extends PageParams {
  org_id?: string;
  /** Case-insensitive substring of the name. */
  name?: string;
}

export interface CreateSpaceRequest {
  name: string;
  organization_id: string;
  description?: string;
  is_private?: boolean;
}

export interface UpdateSpaceRequest {
  name?: string;
  description?: string | null;
  is_private?: boolean;
}

export interface SpaceMembership {
  id: string;
  space_id: string;
  user_id: string;
  role: RoleAssignment;
}

/** Who a member is, in the member lists (beyond Arize's surface). */
export interface MemberUser {
  name: string;
  email: string;
  is_bot: boolean;
}

/** A row of `GET /v2/organizations/{id}/users`: the membership and its user. */
export interface OrganizationMember extends OrganizationMembership {
  user: MemberUser;
}

/** A row of `GET /v2/spaces/{id}/users`: the membership and its user. */
export interface SpaceMember extends SpaceMembership {
  user: MemberUser;
}

export interface AddMemberRequest {
  user_id: string;
  role: RoleAssignmentRequest;
}

export interface Project {
  id: string;
  name: string;
  space_id: string;
  created_at: string;
}

export interface ProjectListParams extends PageParams {
  space_id?: string;
  /** Case-insensitive substring of the space's name (may match several spaces). */
  space_name?: string;
  /** Case-insensitive substring of the project's name. */
  name?: string;
}

export interface CreateProjectRequest {
  name: string;
  space_id: string;
}

export interface UpdateProjectRequest {
  name: string;
}

export interface Role {
  id: string;
  name: string;
  description?: string;
  permissions: string[];
  is_predefined: boolean;
  created_at: string;
  updated_at: string;
}

export interface RoleListParams extends PageParams {
  /** true = predefined only, false = custom only, absent = both. */
  is_predefined?: boolean;
}

export interface CreateRoleRequest {
  name: string;
  permissions: string[];
  description?: string;
}

export interface UpdateRoleRequest {
  name?: string;
  /** Replaces the whole set; must not be empty. */
  permissions?: string[];
  /** `null` clears the description. */
  description?: string | null;
}

export interface RoleBinding {
  id: string;
  user_id: string;
  role_id: string;
  resource_type: RoleBindingResourceType;
  resource_id: string;
  created_at: string;
  updated_at: string;
}

export interface RoleBindingListParams extends PageParams {
  /** Required by the server. */
  resource_type: RoleBindingResourceType;
  user_id?: string;
  /** Only bindings on this space or project (beyond Arize's surface). */
  resource_id?: string;
}

export interface CreateRoleBindingRequest {
  user_id: string;
  role_id: string;
  resource_type: RoleBindingResourceType;
  resource_id: string;
}

export interface ResourceRestriction {
  resource_id: string;
  resource_type: RestrictionResourceType;
  created_at: string;
}

export interface ResourceRestrictionListParams extends PageParams {
  resource_type?: RestrictionResourceType;
}

export interface ApiKey {
  id: string;
  name: string;
  description?: string;
  key_type: ApiKeyType;
  status: ApiKeyStatus;
  redacted_key: string;
  created_by_user_id: string;
  created_at: string;
  expires_at?: string;
  last_used_at?: string;
}

export interface ApiKeyListParams extends PageParams {
  key_type?: ApiKeyType;
  /** The server's default is ACTIVE. */
  status?: ApiKeyStatus;
  space_id?: string;
  /** Another user's keys: account admins only. */
  user_id?: string;
  /** Every key this person created, directly or through a bot key they created: account admins (or oneself). */
  created_by_user_id?: string;
}

/** What to do with the live SERVICE keys a removed person created: keep (default), revoke, or rotate. */
export type ServiceKeyAction = 'keep' | 'revoke' | 'rotate';

/** Query of the removals that report a cascade: a member's removal from an organization or space, a user's deletion. */
export interface RemovalParams {
  /** Answer the cascade the removal would take, changing nothing. */
  dry_run?: boolean;
  service_keys?: ServiceKeyAction;
}

/** A SERVICE key the removed person created; a rotated one carries its new raw key (shown once) and the key it replaces. */
export interface CascadeServiceKey {
  id: string;
  name: string;
  redacted_key: string;
  created_by_user_id: string;
  /** The spaces the key's bot user is a member of. */
  spaces: string[];
  replaces_key_id?: string;
  key?: string;
}

/** What a removal took (or, dry run, would take), and the person's service keys. */
export interface RemovalCascade {
  dry_run: boolean;
  service_keys_action: ServiceKeyAction;
  organization_memberships: number;
  space_memberships: number;
  role_bindings: number;
  user_keys_revoked: number;
  service_keys: CascadeServiceKey[];
}

export interface ServiceKeySpaceAssignment {
  space_id: string;
  role?: RoleAssignmentRequest;
}

export interface ServiceKeyOrgAssignment {
  org_id: string;
  role?: RoleAssignmentRequest;
  spaces: ServiceKeySpaceAssignment[];
}

export interface CreateUserApiKeyRequest {
  key_type: 'USER';
  name: string;
  description?: string;
  expires_at?: string;
}

export interface CreateServiceApiKeyRequest {
  key_type: 'SERVICE';
  name: string;
  description?: string;
  expires_at?: string;
  account_role?: RoleAssignmentRequest<AccountRoleName>;
  organizations: ServiceKeyOrgAssignment[];
}

export type CreateApiKeyRequest = CreateUserApiKeyRequest | CreateServiceApiKeyRequest;

/** The bot user a service key authenticates as, with every default resolved by the server. */
export interface ServiceKeyBotUser {
  id: string;
  name: string;
  account_role: RoleAssignment<AccountRoleName>;
  organizations: { org_id: string; role: RoleAssignment; spaces: { space_id: string; role: RoleAssignment }[] }[];
}

/** `POST /v2/api-keys` answer: the key record plus the raw key, returned this once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
  bot_user?: ServiceKeyBotUser;
}

export interface RefreshApiKeyRequest {
  expires_at?: string;
  /** 0..86400; 0 (the default) revokes the old key at once. */
  grace_period_seconds?: number;
}

/** `POST /v2/api-keys/{id}/refresh` answer: the new key record (new id) plus its raw key. */
export interface RefreshedApiKey extends ApiKey {
  key: string;
}

export interface AuditLog {
  id: string;
  user_id: string;
  ip: string;
  operation_type: AuditOperationType;
  operation_name?: string;
  operation_text?: string;
  variables?: string;
  created_at: string;
}

export interface AuditLogListParams extends PageParams {
  /** Inclusive, RFC 3339; default end_time − 30 days. */
  start_time?: string;
  /** Inclusive, RFC 3339; default now. */
  end_time?: string;
  user_id?: string;
  operation_type?: AuditOperationType;
}

/** A failed authentication, counted per address, reason, operation and targeted user in a 10-minute window (ours, not Arize's). */
export interface AuthenticationFailure {
  ip: string;
  /** Why the credential was refused: wrong password, unknown email, unknown, revoked, expired, invalid_session, missing, … */
  reason: string;
  /** METHOD and route of the refused request. */
  operation: string;
  /** The user whose credential was tried, when known. */
  user_id?: string;
  count: number;
  first_at: string;
  last_at: string;
}

export interface AuthenticationFailureListParams extends PageParams {
  /** Inclusive, RFC 3339; default end_time − 30 days. */
  start_time?: string;
  /** Inclusive, RFC 3339; default now. */
  end_time?: string;
}

export interface AccessCheckRequest {
  user_id: string;
  permission: string;
  resource_id: string;
}

/** One grant (or the restriction, or the absence of a grant) that took part in an access decision. */
export interface AccessReason {
  effect: 'ALLOW' | 'DENY';
  source: 'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING' | 'RESTRICTION' | 'NONE';
  /** A sentence, e.g. `space membership MEMBER on space 12 (team-alpha)`. */
  text: string;
  role_id?: string;
  role_name?: string;
  binding_id?: string;
  /** Where the grant sits (a space membership explains a decision on one of the space's projects). */
  resource_type: 'ACCOUNT' | 'ORGANIZATION' | 'SPACE' | 'PROJECT';
  resource_id: string;
}

export interface AccessCheckResult {
  allowed: boolean;
  reasons: AccessReason[];
}

/** A principal that holds permissions on a resource, and the grants they come from. */
export interface AccessPrincipal {
  user_id: string;
  user: { name: string; email: string };
  is_bot: boolean;
  permissions: string[];
  grants: AccessReason[];
}

export interface AccessPrincipals {
  principals: AccessPrincipal[];
}

/** `GET /v2/me`: the authenticated principal. */
export interface Me {
  id: string;
  name?: string;
  email?: string;
  [extra: string]: unknown;
}

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
export interface AuditLogList { logs: AuditLog[]; pagination: Pagination }
export interface AuthenticationFailureList { failures: AuthenticationFailure[]; pagination: Pagination }

/** RFC 9457 problem body of every error answer. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  type?: string;
  instance?: string;
  code?: string;
  [extra: string]: unknown;
}
