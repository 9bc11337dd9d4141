import type { Kysely } from 'kysely';
import { isoNow } from '../domain/clock.js';
import { decodeId } from '../domain/ids.js';
import { ApiError, conflict, notFound } from '../domain/errors.js';
import { isPermission, PERMISSIONS, type Permission } from '../domain/permissions.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import type { RoleUses } from '../store/repositories/roles.js';
import type { Database, RoleRow } from '../store/schema.js';
import { decodeCursor, toPage } from './pagination.js';
import { requireAccountAdmin } from './authorize.js';
import { type Actor, type ChangeSet, runMutation, type Trx } from './mutation.js';
import { mappingEntriesNaming, pruneMappings, refuseDeletingDefaults } from './sso/mapping-references.js';
import { rolePermissions } from './role-assignments.js';

export interface ListRolesQuery { is_predefined?: boolean | undefined; limit: number; cursor?: string | undefined }

/** The account's roles (predefined first: their rows are created with the account), by id, keyset-paginated. */
export async function listRoles(ctx: ServiceDeps, principal: Principal, query: ListRolesQuery) {
  const scope = 'roles';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const rows = await forAccount(ctx.store.db, principal.accountId).roles.list({ predefined: query.is_predefined, after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** Any user of the account may read its roles: they are the vocabulary of every membership and binding. */
export async function getRole(ctx: ServiceDeps, principal: Principal, roleId: string): Promise<RoleRow> {
  return findRole(ctx.store.db, principal.accountId, roleId);
}

/** A role of the account by wire id (predefined or custom); 404 otherwise, whatever account it may belong to. */
export async function findRole(db: Trx | Kysely<Database>, accountId: number, roleId: string, field = 'role_id'): Promise<RoleRow> {
  const id = decodeId('Role', roleId, field);
  const row = await forAccount(db, accountId).roles.find(id);
  if (!row) throw notFound('role');
  return row;
}

export interface CreateRoleInput { name: string; permissions: string[]; description?: string | undefined }

export async function createRole(ctx: ServiceDeps, actor: Actor, input: CreateRoleInput): Promise<RoleRow> {
  requireAccountAdmin(actor.principal, 'create roles');
  const permissions = permissionSet(input.permissions);
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).roles.createCustom({
        name: input.name, description: input.description || null, permissions: JSON.stringify(permissions), now: isoNow(ctx.clock),
      });
      changes.patchAccess({ op: 'upsertRole', role: { id: row.id, name: row.name, permissions } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export interface UpdateRoleInput { name?: string | undefined; description?: string | null | undefined; permissions?: string[] | undefined }

/** Renames, re-describes or replaces the permission set of a custom role; everyone holding it is re-evaluated. */
export async function updateRole(ctx: ServiceDeps, actor: Actor, roleId: string, input: UpdateRoleInput): Promise<RoleRow> {
  const role = await findModifiableRole(ctx, actor.principal, roleId, 'update roles');
  const permissions = input.permissions === undefined ? undefined : permissionSet(input.permissions);
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const roles = forAccount(trx, actor.principal.accountId).roles;
      const row = await roles.update(role.id, {
        name: input.name,
        description: input.description === undefined ? undefined : input.description || null,
        permissions: permissions === undefined ? undefined : JSON.stringify(permissions),
        now: isoNow(ctx.clock),
      });
      if (!row) throw notFound('role');
      if (permissions !== undefined) {
        for (const userId of holdersOf(await roles.usesOf(role.id))) changes.user(userId);
      }
      // A new description moves nothing the snapshot holds; a name (explanations show it) or permissions re-evaluate the holders.
      if (permissions === undefined && input.name === undefined) changes.keepsAccess();
      else changes.patchAccess({ op: 'upsertRole', role: { id: row.id, name: row.name, permissions: permissions ?? [...rolePermissions(row)] } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name ?? role.name);
    throw error;
  }
}

/**
 * Deletes a custom role. While bindings or memberships use it the answer is 409, unless `force`: then they go
 * too, in the same transaction, each removed membership with the cascade its own removal endpoint has (an
 * organization membership takes the user's memberships in the organization's spaces and the user's bindings
 * there; a space membership takes the user's bindings on the space and its projects), so that the end state is
 * one those endpoints could have produced.
 */
export async function deleteRole(ctx: ServiceDeps, actor: Actor, roleId: string, force: boolean): Promise<void> {
  const role = await findModifiableRole(ctx, actor.principal, roleId, 'delete roles');
  try {
    await runMutation(ctx, actor, async (trx, changes) => {
      const roles = forAccount(trx, actor.principal.accountId).roles;
      const uses = await roles.usesOf(role.id);
      // Identity providers name roles too: a default login's role blocks even a forced delete, mapping entries count as uses.
      const named = { orgIds: [], spaceIds: [], projectIds: [], roleIds: [role.id] };
      await refuseDeletingDefaults(trx, actor.principal.accountId, named, `role ${JSON.stringify(role.name)}`);
      const mappingEntries = await mappingEntriesNaming(trx, actor.principal.accountId, named);
      const count = uses.bindings.length + uses.organizationMemberships.length + uses.spaceMemberships.length;
      if (count + mappingEntries > 0 && !force) {
        throw conflict(`role ${JSON.stringify(role.name)} is used by ${uses.bindings.length} role binding(s), `
          + `${uses.organizationMemberships.length} organization membership(s), ${uses.spaceMemberships.length} space membership(s) `
          + `and ${mappingEntries} role-mapping entr${mappingEntries === 1 ? 'y' : 'ies'}; `
          + 'remove them first or delete with force=true to remove them too', 'role in use');
      }
      if (count > 0) await removeUses(trx, actor.principal.accountId, role.id, uses, changes);
      await pruneMappings(ctx, trx, actor, changes, named, actor.operation);
      if (!await roles.delete(role.id)) throw notFound('role');
      // Unused, the role leaves the snapshot alone; a forced delete's cascades rebuild it.
      if (count === 0) changes.patchAccess({ op: 'removeRole', id: role.id });
    });
  } catch (error) {
    // A binding or membership created with this role after we looked: the role is in use after all.
    if (isForeignKeyViolation(error)) throw conflict(`role ${JSON.stringify(role.name)} was just put to use; retry`, 'role in use');
    throw error;
  }
}

/** 404 unknown, 403 predefined (the one table is not editable), 403 unless account admin. */
async function findModifiableRole(ctx: ServiceDeps, principal: Principal, roleId: string, what: string): Promise<RoleRow> {
  const role = await findRole(ctx.store.db, principal.accountId, roleId);
  if (role.predefined_key) throw new ApiError('PREDEFINED_ROLE_IMMUTABLE', `${role.name} is a predefined role; create a custom role instead`);
  requireAccountAdmin(principal, what);
  return role;
}

/** The requested permissions as a set in catalogue order (duplicates folded); an unknown name is a 400 naming it. */
function permissionSet(requested: readonly string[]): Permission[] {
  const wanted = new Set<string>();
  requested.forEach((p, i) => {
    if (!isPermission(p)) throw new ApiError('INVALID_PERMISSION', `permissions[${i}]: unknown permission ${JSON.stringify(p)}`);
    wanted.add(p);
  });
  return PERMISSIONS.filter((p) => wanted.has(p));
}

function nameTaken(name: string): ApiError {
  return conflict(`a role named ${JSON.stringify(name)} already exists`);
}

/** Users whose rights come partly from the role. */
function holdersOf(uses: RoleUses): Set<number> {
  return new Set([...uses.bindings, ...uses.organizationMemberships, ...uses.spaceMemberships].map((u) => u.user_id));
}

async function removeUses(trx: Trx, accountId: number, roleId: number, uses: RoleUses, changes: ChangeSet): Promise<void> {
  const store = forAccount(trx, accountId);
  for (const m of uses.organizationMemberships) await store.memberships.afterOrganizationMembership(m.user_id, m.organization_id);
  for (const m of uses.spaceMemberships) await store.memberships.afterSpaceMembership(m.user_id, m.space_id);
  await store.roles.removeUses(roleId);
  for (const u of [...uses.bindings, ...uses.organizationMemberships, ...uses.spaceMemberships]) changes.user(u.user_id);
}
