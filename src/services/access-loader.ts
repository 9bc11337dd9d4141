import { sql, type Kysely } from 'kysely';
import type { WorldInput } from '../access/index.js';
import { isPermission, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import type { Database } from '../store/schema.js';

/**
 * Reads everything the access engine needs about one account, in one read transaction so that the tables
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
  // Repeatable read gives PostgreSQL one snapshot for every query; SQLite's transaction already does.
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    // Read first: every table below then reflects at least the changes this version counts.
    const account = await trx.selectFrom('accounts').select('access_version').where('id', '=', accountId).executeTakeFirst();
    const [users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships, roleBindings] =
      await Promise.all([
        trx.selectFrom('users').select(['id', 'role', 'status', 'is_bot'])
          .where('account_id', '=', accountId).where('deleted_at', 'is', null).execute(),
        trx.selectFrom('organizations').select(['id', 'name']).where('account_id', '=', accountId).execute(),
        trx.selectFrom('spaces').select(['id', 'organization_id', 'is_private', 'name'])
          .where('account_id', '=', accountId).execute(),
        trx.selectFrom('projects')
          .leftJoin('resource_restrictions', 'resource_restrictions.project_id', 'projects.id')
          .select(['projects.id', 'projects.space_id', 'projects.name', 'resource_restrictions.project_id as restricted_id'])
          .where('projects.account_id', '=', accountId).execute(),
        trx.selectFrom('roles').select(['id', 'name', 'predefined_key', 'permissions'])
          .where('account_id', '=', accountId).execute(),
        // The large tables come out already in the engine's shape: no second object per row.
        trx.selectFrom('organization_memberships')
          .select(['user_id as userId', 'organization_id as organizationId', 'role_id as roleId'])
          .where('account_id', '=', accountId).execute(),
        trx.selectFrom('space_memberships').select(['user_id as userId', 'space_id as spaceId', 'role_id as roleId'])
          .where('account_id', '=', accountId).execute(),
        trx.selectFrom('role_bindings')
          .select(['id', 'user_id as userId', 'role_id as roleId', 'resource_type as resourceType'])
          .select(sql<number>`coalesce(space_id, project_id)`.as('resourceId'))
          .where('account_id', '=', accountId).execute(),
      ]);
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
    return { world, accessVersion: account?.access_version ?? 0 };
  });
}

/** A custom role's JSON array; names outside the catalogue (never written by this server) grant nothing. */
function parsePermissions(json: string | null): Permission[] {
  const parsed: unknown = json === null ? [] : JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((p): p is Permission => typeof p === 'string' && isPermission(p)) : [];
}
