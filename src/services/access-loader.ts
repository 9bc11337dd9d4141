import type { Kysely } from 'kysely';
import type { WorldInput } from '../access/index.js';
import { isPermission, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import { forAccount } from '../store/account-store.js';
import type { Database } from '../store/schema.js';

/**
 * Everything the access engine needs about one account, read in one read transaction so that the tables
 * agree with each other (no binding of a space deleted between two queries). Deleted users are left out;
 * only ACTIVE users are active.
 *
 * @example
 * const snapshot = AccessSnapshot.build(await loadWorld(store.db, accountId));
 */
export async function loadWorld(db: Kysely<Database>, accountId: number): Promise<WorldInput> {
  return (await loadAccessState(db, accountId)).world;
}

/**
 * The world together with the account's access version it was read at (in the same read transaction), which a
 * grant compares with the version current inside its own transaction.
 */
export async function loadAccessState(db: Kysely<Database>, accountId: number): Promise<{ world: WorldInput; accessVersion: number }> {
  const { accessVersion, users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships, roleBindings } =
    await forAccount(db, accountId).accessWorld.read();
  const world: WorldInput = {
    accountId,
    users: users.map((u) => ({ id: u.id, role: u.role, active: u.status === 'ACTIVE', isBot: u.is_bot === 1 })),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    spaces: spaces.map((sp) => ({ id: sp.id, organizationId: sp.organization_id, isPrivate: sp.is_private === 1, name: sp.name })),
    projects: projects.map((p) => ({ id: p.id, spaceId: p.space_id, restricted: p.restricted_id !== null, name: p.name })),
    roles: roles.map((r) => ({
      id: r.id,
      name: r.name,
      predefinedKey: r.predefined_key,
      permissions: r.predefined_key === null ? parsePermissions(r.permissions) : PREDEFINED_ROLES[r.predefined_key].permissions,
    })),
    organizationMemberships,
    spaceMemberships,
    roleBindings,
  };
  return { world, accessVersion };
}

/** A custom role's JSON array; names outside the catalogue (never written by this server) grant nothing. */
function parsePermissions(json: string | null): Permission[] {
  const parsed: unknown = json === null ? [] : JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((p): p is Permission => typeof p === 'string' && isPermission(p)) : [];
}
