import type { Kysely } from 'kysely';
import type { RoleBindingInput, WorldInput, WorldSource } from '../access/index.js';
import { ACCOUNT_ROLE_KEYS } from '../domain/account-roles.js';
import { isPermission, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import { forAccount } from '../store/account-store.js';
import type { AccessBindingRow } from '../store/repositories/access-world.js';
import type { Database } from '../store/schema.js';

/**
 * Everything the access engine needs about one account, read in one read transaction so that the tables
 * agree with each other (no binding of a space deleted between two queries). Deleted users are left out;
 * only users who may authenticate (ACTIVE, not deactivated) are active.
 *
 * @example
 * const snapshot = AccessSnapshot.build(await loadWorld(store.db, accountId));
 */
export async function loadWorld(db: Kysely<Database>, accountId: number): Promise<WorldInput> {
  const { world } = await loadAccessState(db, accountId);
  return { ...world, roleBindings: [...world.roleBindings] };
}

/**
 * The world together with the account's access version it was read at (in the same read transaction), which a
 * grant compares with the version current inside its own transaction. Its role bindings are held as columns
 * (BindingColumns), not as an object each.
 */
export async function loadAccessState(db: Kysely<Database>, accountId: number): Promise<{ world: WorldSource; accessVersion: number }> {
  const roleBindings = new BindingColumns();
  const { accessVersion, users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships } =
    await forAccount(db, accountId).accessWorld.read((page) => roleBindings.append(page));
  const world: WorldSource = {
    accountId,
    // The role as the catalogue's own string: the driver hands each row a copy, ~40 bytes a user kept by the snapshot.
    users: users.map((u) => ({ id: u.id, role: ACCOUNT_ROLE_KEYS.find((k) => k === u.role) ?? u.role, active: mayAuthenticate(u), isBot: u.is_bot === 1 })),
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

/**
 * Role bindings as columns of numbers, which cost 8 bytes a value where a row object costs ~100 bytes and the
 * garbage collector's attention: a large account's million bindings are read into these page by page, and each
 * is handed to the engine as a short-lived object when it builds.
 */
class BindingColumns implements Iterable<RoleBindingInput> {
  readonly #ids: number[] = [];
  readonly #userIds: number[] = [];
  readonly #roleIds: number[] = [];
  readonly #resourceIds: number[] = [];
  /** 1 for a binding on a project, 0 on a space. */
  readonly #onProject: number[] = [];
  /** Expiry by row index, for the few bindings that expire. */
  readonly #expiries = new Map<number, string>();

  append(rows: readonly AccessBindingRow[]): void {
    for (const row of rows) {
      const index = this.#ids.length;
      this.#ids.push(row.id);
      this.#userIds.push(row.userId);
      this.#roleIds.push(row.roleId);
      this.#resourceIds.push(row.resourceId);
      this.#onProject.push(row.resourceType === 'PROJECT' ? 1 : 0);
      if (row.expiresAt !== null) this.#expiries.set(index, row.expiresAt);
    }
  }

  *[Symbol.iterator](): Iterator<RoleBindingInput> {
    for (let i = 0; i < this.#ids.length; i++) {
      yield {
        id: this.#ids[i]!, userId: this.#userIds[i]!, roleId: this.#roleIds[i]!,
        resourceType: this.#onProject[i] === 1 ? 'PROJECT' : 'SPACE', resourceId: this.#resourceIds[i]!,
        expiresAt: this.#expiries.get(i) ?? null,
      };
    }
  }
}
