/** Wire shapes of the /v2 admin API and the console's /auth endpoints (snake_case, as on the wire). */

export type PredefinedRoleName = 'ADMIN' | 'MEMBER' | 'READ_ONLY' | 'ANNOTATOR';
export type AccountRoleName = 'ADMIN' | 'MEMBER' | 'ANNOTATOR';

export type RoleAssignment =
  | { type: 'PREDEFINED'; name: PredefinedRoleName }
  | { type: 'CUSTOM'; id: string; name?: string };

export type UserStatus = 'ACTIVE' | 'INVITED' | 'EXPIRED';
export type InviteMode = 'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE';

export interface Pagination {
  has_more: boolean;
  next_cursor?: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  role: RoleAssignment;
  status: UserStatus;
  is_developer: boolean;
  created_at: string;
}

export interface CreatedUser extends User {
  invite_mode?: InviteMode;
  temporary_password?: string;
}

export interface Me {
  id: string;
  name: string;
  email: string;
  role: RoleAssignment;
  status: UserStatus;
  is_developer: boolean;
  is_bot: boolean;
  account_id: string;
  permissions: { account: string[] };
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: RoleAssignment;
  status: UserStatus;
  is_developer: boolean;
}

export interface Session {
  user: SessionUser;
  csrf_token: string;
  must_change_password: boolean;
}

export interface Invitation {
  email: string;
  name: string;
}

export interface Organization {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

export interface Space {
  id: string;
  name: string;
  description: string;
  is_private: boolean;
  organization_id: string;
  created_at: string;
}

export interface Project {
  id: string;
  name: string;
  space_id: string;
  created_at: string;
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

export type BindingResourceType = 'SPACE' | 'PROJECT';

export interface RoleBinding {
  id: string;
  user_id: string;
  role_id: string;
  resource_type: BindingResourceType;
  resource_id: string;
  created_at: string;
  updated_at: string;
}

export interface ResourceRestriction {
  resource_id: string;
  resource_type: 'PROJECT';
  created_at: string;
}

export interface MemberUser {
  name: string;
  email: string;
}

export interface OrganizationMembership {
  id: string;
  organization_id: string;
  user_id: string;
  role: RoleAssignment;
}

export interface SpaceMembership {
  id: string;
  space_id: string;
  user_id: string;
  role: RoleAssignment;
}

/** A row of GET /v2/organizations/{id}/users and GET /v2/spaces/{id}/users: the membership plus who it is. */
export interface Member {
  id: string;
  user_id: string;
  role: RoleAssignment;
  user: MemberUser & { is_bot: boolean };
}

export type KeyType = 'USER' | 'SERVICE';
export type KeyStatus = 'ACTIVE' | 'REVOKED';

export interface ApiKey {
  id: string;
  name: string;
  description?: string;
  key_type: KeyType;
  status: KeyStatus;
  redacted_key: string;
  created_by_user_id: string;
  created_at: string;
  expires_at?: string;
  last_used_at?: string;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface ServiceKeySpaceAssignment {
  space_id: string;
  role?: RoleAssignment;
}

export interface ServiceKeyOrgAssignment {
  org_id: string;
  role?: RoleAssignment;
  spaces: ServiceKeySpaceAssignment[];
}

export type CreateApiKeyBody =
  | { key_type: 'USER'; name: string; description?: string; expires_at?: string }
  | {
      key_type: 'SERVICE';
      name: string;
      description?: string;
      expires_at?: string;
      account_role?: RoleAssignment;
      organizations: ServiceKeyOrgAssignment[];
    };

export type OperationType = 'MUTATION' | 'QUERY' | 'SUBSCRIPTION';

export interface AuditLog {
  id: string;
  user_id: string;
  ip: string;
  operation_type: OperationType;
  operation_name?: string;
  operation_text?: string;
  variables?: unknown;
  created_at: string;
}

/** A failed authentication, counted per address, reason, operation and user in a 10-minute window. */
export interface AuthenticationFailure {
  ip: string;
  reason: string;
  operation: string;
  user_id?: string;
  count: number;
  first_at: string;
  last_at: string;
}

export type Effect = 'ALLOW' | 'DENY';

/** One grant, restriction or missing grant behind an access decision. */
export interface AccessReason {
  effect: Effect;
  source: 'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING' | 'RESTRICTION' | 'NONE';
  text: string;
  role_id?: string;
  role_name?: string;
  binding_id?: string;
  resource_type: 'ACCOUNT' | 'ORGANIZATION' | 'SPACE' | 'PROJECT';
  resource_id: string;
}

export interface AccessCheck {
  allowed: boolean;
  reasons: AccessReason[];
}

export interface AccessPrincipal {
  user_id: string;
  user: MemberUser;
  is_bot: boolean;
  permissions: string[];
  grants: AccessReason[];
}

/** What to do with the live SERVICE keys a removed person created. */
export type ServiceKeyAction = 'keep' | 'revoke' | 'rotate';

/** Query of a member removal or a user deletion: `dry_run` previews the cascade. */
export interface RemovalParams {
  dry_run?: boolean;
  service_keys?: ServiceKeyAction;
}

export interface CascadeServiceKey {
  id: string;
  name: string;
  redacted_key: string;
  created_by_user_id: string;
  spaces: string[];
  /** Rotated: the key replaced, and the new raw key (shown once). */
  replaces_key_id?: string;
  key?: string;
}

/** The server's cascade of a removal (dry run, or a rotation's answer). */
export interface RemovalCascade {
  dry_run: boolean;
  service_keys_action: ServiceKeyAction;
  organization_memberships: number;
  space_memberships: number;
  role_bindings: number;
  user_keys_revoked: number;
  service_keys: CascadeServiceKey[];
}
