import type { ApiKey, AuditLog, Organization, Project, RoleAssignment, RoleBinding, Space } from '../../../src/client/types.js';
import { api, listAll, page } from './api.js';

/** One place a user holds a role: an organization or a space membership, or a role binding on a space or project. */
export interface UserGrant {
  kind: 'ORGANIZATION' | 'SPACE';
  organization: Organization | undefined;
  space?: Space;
  role: RoleAssignment;
}

export interface UserBinding {
  binding: RoleBinding;
  /** What the binding is on: its space, or its project (and that project's space). */
  label: string;
  to: string;
}

/** Everything the console shows about one user's access and use: memberships, bindings, keys, recent activity. */
export interface UserOverview {
  memberships: UserGrant[];
  bindings: UserBinding[];
  keys: ApiKey[];
  activity: AuditLog[];
}

/**
 * A user's overview for account admins (and for the user itself). There is no "memberships of a user" endpoint, so
 * the member list of each organization and space the caller can see is read and filtered: one request per
 * organization and space, fine for the accounts this console serves; the rest are one request each. A list the
 * caller may not read (a member and another space's members) counts as empty; the audit log is read only
 * `withActivity` (account admins).
 */
export async function userOverview(userId: string, withActivity: boolean): Promise<UserOverview> {
  const [organizations, spaces] = await Promise.all([
    listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')),
    listAll((cursor) => page(api.spaces.list({ limit: 100, cursor }), 'spaces')),
  ]);
  const orgs = new Map(organizations.map((o) => [o.id, o]));
  const spacesById = new Map(spaces.map((s) => [s.id, s]));
  const [orgGrants, spaceGrants, spaceBindings, projectBindings, keys, activity] = await Promise.all([
    Promise.all(
      organizations.map(async (organization): Promise<UserGrant[]> => {
        const members = await listAll((cursor) => page(api.organizations.listUsers(organization.id, { limit: 100, cursor }), 'memberships')).catch(() => []);
        return members.filter((m) => m.user_id === userId).map((m) => ({ kind: 'ORGANIZATION', organization, role: m.role }));
      }),
    ),
    Promise.all(
      spaces.map(async (space): Promise<UserGrant[]> => {
        const members = await listAll((cursor) => page(api.spaces.listUsers(space.id, { limit: 100, cursor }), 'memberships')).catch(() => []);
        return members.filter((m) => m.user_id === userId).map((m) => ({ kind: 'SPACE', organization: orgs.get(space.organization_id), space, role: m.role }));
      }),
    ),
    listAll((cursor) => page(api.roleBindings.list({ resource_type: 'SPACE', user_id: userId, limit: 100, cursor }), 'role_bindings')).catch(() => []),
    listAll((cursor) => page(api.roleBindings.list({ resource_type: 'PROJECT', user_id: userId, limit: 100, cursor }), 'role_bindings')).catch(() => []),
    listAll((cursor) => page(api.apiKeys.list({ user_id: userId, limit: 100, cursor }), 'api_keys')),
    withActivity ? api.auditLogs.list({ user_id: userId, limit: 10 }).then((r) => r.logs) : Promise.resolve([]),
  ]);
  const projects = new Map<string, Project | undefined>(
    await Promise.all(projectBindings.map(async (b) => [b.resource_id, await api.projects.get(b.resource_id).catch(() => undefined)] as const)),
  );
  const bindings: UserBinding[] = [
    ...spaceBindings.map((binding) => ({
      binding,
      label: `Space ${spacesById.get(binding.resource_id)?.name ?? 'a space you cannot see'}`,
      to: `/spaces/${encodeURIComponent(binding.resource_id)}`,
    })),
    ...projectBindings.map((binding) => {
      const project = projects.get(binding.resource_id);
      const space = project ? spacesById.get(project.space_id) : undefined;
      return {
        binding,
        label: `Project ${project?.name ?? 'a project you cannot see'}${space ? ` in ${space.name}` : ''}`,
        to: `/projects/${encodeURIComponent(binding.resource_id)}`,
      };
    }),
  ];
  return { memberships: [...orgGrants.flat(), ...spaceGrants.flat()], bindings, keys, activity };
}
