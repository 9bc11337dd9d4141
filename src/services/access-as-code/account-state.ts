import { isPermission, type Permission, PERMISSIONS } from '../../domain/permissions.js';
import type { PredefinedRoleKey } from '../../domain/predefined-roles.js';
import type { AccessDocumentRows } from '../../store/repositories/access-document.js';

/**
 * The account as an access document sees it, indexed by name: what a plan compares the document with and what an
 * export writes. Bots' grants are left out (they come with service keys), and so are grants already expired (the
 * sweeper removes them).
 */
export interface GrantState {
  /** A role binding's id (memberships are keyed by resource and user). */
  id: number | undefined;
  userId: number;
  roleId: number;
  expiresAt: string | null;
  reason: string | null;
}

export interface ProjectState { id: number; name: string; restricted: boolean; bindings: Map<number, GrantState> }
export interface SpaceState {
  id: number; name: string; description: string; isPrivate: boolean;
  members: Map<number, GrantState>; bindings: Map<number, GrantState>; projects: Map<string, ProjectState>;
}
export interface OrganizationState { id: number; name: string; description: string; members: Map<number, GrantState>; spaces: Map<string, SpaceState> }
export interface RoleState { id: number; name: string; description: string | null; predefinedKey: PredefinedRoleKey | null; permissions: Permission[] }
export interface UserState { id: number; email: string; isBot: boolean }

export interface AccountState {
  organizations: Map<string, OrganizationState>;
  /** Every role by name, predefined ones included. */
  roles: Map<string, RoleState>;
  rolesById: Map<number, RoleState>;
  /** Live users by lower-case email, bots included (so that naming one is a clear error). */
  usersByEmail: Map<string, UserState>;
  usersById: Map<number, UserState>;
}

/** The state of the rows one transaction read, without the grants expired at `now`. */
export function accountState(rows: AccessDocumentRows, now: string): AccountState {
  const usersById = new Map(rows.users.map((u) => [u.id, { id: u.id, email: u.email, isBot: u.is_bot === 1 }]));
  const usersByEmail = new Map(rows.users.map((u) => [u.email_lower, usersById.get(u.id)!]));
  const counts = (g: { user_id: number; expires_at: string | null }) => usersById.get(g.user_id)?.isBot === false && (g.expires_at === null || g.expires_at > now);
  const grant = (g: { id?: number; user_id: number; role_id: number; expires_at: string | null; reason: string | null }): GrantState =>
    ({ id: g.id, userId: g.user_id, roleId: g.role_id, expiresAt: g.expires_at, reason: g.reason });

  const organizations = new Map<string, OrganizationState>();
  const orgsById = new Map<number, OrganizationState>();
  for (const o of rows.organizations) {
    const org = { id: o.id, name: o.name, description: o.description, members: new Map(), spaces: new Map() };
    organizations.set(o.name, org);
    orgsById.set(o.id, org);
  }
  const spacesById = new Map<number, SpaceState>();
  for (const s of rows.spaces) {
    const space = { id: s.id, name: s.name, description: s.description, isPrivate: s.is_private === 1, members: new Map(), bindings: new Map(), projects: new Map() };
    orgsById.get(s.organization_id)?.spaces.set(s.name, space);
    spacesById.set(s.id, space);
  }
  const projectsById = new Map<number, ProjectState>();
  for (const p of rows.projects) {
    const project = { id: p.id, name: p.name, restricted: p.restricted_id !== null, bindings: new Map() };
    spacesById.get(p.space_id)?.projects.set(p.name, project);
    projectsById.set(p.id, project);
  }
  for (const m of rows.organizationMemberships) if (counts(m)) orgsById.get(m.organization_id)?.members.set(m.user_id, grant(m));
  for (const m of rows.spaceMemberships) if (counts(m)) spacesById.get(m.space_id)?.members.set(m.user_id, grant(m));
  for (const b of rows.roleBindings) {
    if (!counts(b)) continue;
    const holder = b.resource_type === 'SPACE' ? spacesById.get(b.space_id!) : projectsById.get(b.project_id!);
    holder?.bindings.set(b.user_id, grant(b));
  }
  const rolesById = new Map(rows.roles.map((r) => [r.id, {
    id: r.id, name: r.name, description: r.description, predefinedKey: r.predefined_key, permissions: permissionList(r.permissions),
  }]));
  return { organizations, roles: new Map([...rolesById.values()].map((r) => [r.name, r])), rolesById, usersByEmail, usersById };
}

/** A permission list as a set in catalogue order (names outside the catalogue dropped). */
export function permissionList(json: string | null | readonly string[]): Permission[] {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json ?? [];
  const wanted = new Set(Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string' && isPermission(p)) : []);
  return PERMISSIONS.filter((p) => wanted.has(p));
}
