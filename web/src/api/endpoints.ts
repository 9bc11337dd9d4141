import { http, seg } from './client.js';
import type {
  AccessCheck,
  AccessPrincipal,
  ApiKey,
  AuditLog,
  AuthenticationFailure,
  BindingResourceType,
  CreateApiKeyBody,
  CreatedApiKey,
  CreatedUser,
  Invitation,
  InviteMode,
  KeyStatus,
  KeyType,
  Member,
  Me,
  OperationType,
  Organization,
  OrganizationMembership,
  RemovalCascade,
  RemovalParams,
  Pagination,
  Project,
  ResourceRestriction,
  Role,
  RoleAssignment,
  RoleBinding,
  Session,
  Space,
  SpaceMembership,
  User,
  UserStatus,
} from './types.js';

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

type ListBody = { pagination: Pagination } & Record<string, unknown>;

async function page<T>(path: string, key: string, query: Record<string, string | number | boolean | readonly string[] | undefined>): Promise<Page<T>> {
  const body = await http.get<ListBody>(path, query);
  return { items: (body[key] as T[] | undefined) ?? [], pagination: body.pagination };
}

/** Follows cursors (100 per request) and returns every item; for selects and lookups, not for big tables. */
export async function listAll<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  max = 1000,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await fetchPage(cursor);
    all.push(...p.items);
    cursor = p.pagination.has_more ? p.pagination.next_cursor : undefined;
  } while (cursor && all.length < max);
  return all;
}

export const auth = {
  session: () => http.get<Session>('/auth/session'),
  login: (email: string, password: string) => http.post<Session>('/auth/login', { email, password }),
  logout: () => http.post<void>('/auth/logout'),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/auth/change-password', { current_password, new_password }),
  invitation: (token: string) => http.get<Invitation>(`/auth/invitations/${seg(token)}`),
  acceptInvitation: (token: string, password: string) =>
    http.post<Session>(`/auth/invitations/${seg(token)}/accept`, { password }),
  resetPassword: (token: string, password: string) =>
    http.post<void>(`/auth/password-resets/${seg(token)}`, { password }),
};

export const me = () => http.get<Me>('/v2/me');

export const users = {
  list: (q: { email?: string; status?: UserStatus[]; limit?: number; cursor?: string }) =>
    page<User>('/v2/users', 'users', { email: q.email, status: q.status, limit: q.limit, cursor: q.cursor }),
  /** `created` is false when the email already belonged to a user (200: no second invitation is sent). */
  create: async (body: { name: string; email: string; role: RoleAssignment; invite_mode: InviteMode; is_developer?: boolean }) => {
    const res = await http.postWithStatus<CreatedUser>('/v2/users', body);
    return { user: res.body, created: res.status === 201 };
  },
  get: (id: string) => http.get<User>(`/v2/users/${seg(id)}`),
  remove: (id: string, params: RemovalParams = {}) => http.delete<RemovalCascade | undefined>(`/v2/users/${seg(id)}`, { ...params }),
  resendInvitation: (id: string) => http.post<void>(`/v2/users/${seg(id)}/resend-invitation`),
  resetPassword: (id: string) => http.post<void>(`/v2/users/${seg(id)}/reset-password`),
};

export const organizations = {
  list: (q: { name?: string; limit?: number; cursor?: string }) =>
    page<Organization>('/v2/organizations', 'organizations', q),
  get: (id: string) => http.get<Organization>(`/v2/organizations/${seg(id)}`),
  create: (body: { name: string; description?: string }) => http.post<Organization>('/v2/organizations', body),
  update: (id: string, body: { name?: string; description?: string | null }) =>
    http.patch<Organization>(`/v2/organizations/${seg(id)}`, body),
  remove: (id: string) => http.delete(`/v2/organizations/${seg(id)}`),
  members: (id: string, q: { limit?: number; cursor?: string }) =>
    page<Member>(`/v2/organizations/${seg(id)}/users`, 'memberships', q),
  addMember: (id: string, user_id: string, role: RoleAssignment) =>
    http.post<OrganizationMembership>(`/v2/organizations/${seg(id)}/users`, { user_id, role }),
  removeMember: (id: string, userId: string, params: RemovalParams = {}) =>
    http.delete<RemovalCascade | undefined>(`/v2/organizations/${seg(id)}/users/${seg(userId)}`, { ...params }),
};

export const spaces = {
  list: (q: { org_id?: string; name?: string; limit?: number; cursor?: string }) => page<Space>('/v2/spaces', 'spaces', q),
  get: (id: string) => http.get<Space>(`/v2/spaces/${seg(id)}`),
  create: (body: { name: string; organization_id: string; description?: string; is_private?: boolean }) =>
    http.post<Space>('/v2/spaces', body),
  update: (id: string, body: { name?: string; description?: string | null; is_private?: boolean }) =>
    http.patch<Space>(`/v2/spaces/${seg(id)}`, body),
  remove: (id: string) => http.delete(`/v2/spaces/${seg(id)}`),
  members: (id: string, q: { limit?: number; cursor?: string }) =>
    page<Member>(`/v2/spaces/${seg(id)}/users`, 'memberships', q),
  addMember: (id: string, user_id: string, role: RoleAssignment) =>
    http.post<SpaceMembership>(`/v2/spaces/${seg(id)}/users`, { user_id, role }),
  removeMember: (id: string, userId: string, params: RemovalParams = {}) =>
    http.delete<RemovalCascade | undefined>(`/v2/spaces/${seg(id)}/users/${seg(userId)}`, { ...params }),
};

export const projects = {
  list: (q: { space_id?: string; name?: string; limit?: number; cursor?: string }) =>
    page<Project>('/v2/projects', 'projects', q),
  get: (id: string) => http.get<Project>(`/v2/projects/${seg(id)}`),
  create: (body: { name: string; space_id: string }) => http.post<Project>('/v2/projects', body),
  update: (id: string, body: { name: string }) => http.patch<Project>(`/v2/projects/${seg(id)}`, body),
  remove: (id: string) => http.delete(`/v2/projects/${seg(id)}`),
};

export const roles = {
  list: (q: { is_predefined?: boolean; limit?: number; cursor?: string }) => page<Role>('/v2/roles', 'roles', q),
  create: (body: { name: string; description?: string; permissions: string[] }) => http.post<Role>('/v2/roles', body),
  update: (id: string, body: { name?: string; description?: string | null; permissions?: string[] }) =>
    http.patch<Role>(`/v2/roles/${seg(id)}`, body),
  remove: (id: string, force = false) => http.delete(`/v2/roles/${seg(id)}`, force ? { force: true } : undefined),
};

export const roleBindings = {
  list: (q: { resource_type: BindingResourceType; resource_id?: string; user_id?: string; limit?: number; cursor?: string }) =>
    page<RoleBinding>('/v2/role-bindings', 'role_bindings', q),
  create: (body: { user_id: string; role_id: string; resource_type: BindingResourceType; resource_id: string }) =>
    http.post<RoleBinding>('/v2/role-bindings', body),
  update: (id: string, role_id: string) => http.patch<RoleBinding>(`/v2/role-bindings/${seg(id)}`, { role_id }),
  remove: (id: string) => http.delete(`/v2/role-bindings/${seg(id)}`),
};

export const restrictions = {
  list: (q: { limit?: number; cursor?: string }) =>
    page<ResourceRestriction>('/v2/resource-restrictions', 'resource_restrictions', { resource_type: 'PROJECT', ...q }),
  restrict: (resource_id: string) => http.post<ResourceRestriction>('/v2/resource-restrictions', { resource_id }),
  unrestrict: (resourceId: string) => http.delete(`/v2/resource-restrictions/${seg(resourceId)}`),
};

export const apiKeys = {
  list: (q: { key_type?: KeyType; status?: KeyStatus; user_id?: string; limit?: number; cursor?: string }) =>
    page<ApiKey>('/v2/api-keys', 'api_keys', q),
  create: (body: CreateApiKeyBody) => http.post<CreatedApiKey>('/v2/api-keys', body),
  refresh: (id: string, body: { expires_at?: string; grace_period_seconds?: number }) =>
    http.post<CreatedApiKey>(`/v2/api-keys/${seg(id)}/refresh`, body),
  revoke: (id: string) => http.put<void>(`/v2/api-keys/${seg(id)}/revoke`),
};

export const auditLogs = {
  list: (q: { start_time?: string; end_time?: string; user_id?: string; operation_type?: OperationType; limit?: number; cursor?: string }) =>
    page<AuditLog>('/v2/audit-logs', 'logs', q),
  failures: (q: { start_time?: string; end_time?: string; limit?: number; cursor?: string }) =>
    page<AuthenticationFailure>('/v2/audit-logs/authentication-failures', 'failures', q),
};

export const access = {
  check: (user_id: string, permission: string, resource_id: string) =>
    http.post<AccessCheck>('/v2/access/check', { user_id, permission, resource_id }),
  principals: (resource_id: string) =>
    http.get<{ principals: AccessPrincipal[] }>('/v2/access/principals', { resource_id }),
};
