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
 *
 * They are handed over grouped by user, each user's in the order read (on spaces, then on projects, each by id): the
 * engine's work for a binding is on its user's entry, cells and previous binding, which then stay in the CPU's caches
 * from one binding to the next. In the order read each binding lands on a random user. An account of 100k users and
 * 1M bindings, each build right after its load as the server does it (2 cores, 12 of each): 1.29–1.73 s (median
 * 1.5 s) in the order read, 1.0–1.6 s (median 1.23 s) grouped, the grouping included (~36 ms); the load itself takes
 * ~2.7 s either way. At 10k users the two are alike.
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
  /** Row indexes grouped by user (see above), made on the first iteration after an append. */
  #byUser: Int32Array | undefined;

  append(rows: readonly AccessBindingRow[]): void {
    this.#byUser = undefined;
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
    this.#byUser ??= this.#groupByUser();
    for (const i of this.#byUser) {
      yield {
        id: this.#ids[i]!, userId: this.#userIds[i]!, roleId: this.#roleIds[i]!,
        resourceType: this.#onProject[i] === 1 ? 'PROJECT' : 'SPACE', resourceId: this.#resourceIds[i]!,
        expiresAt: this.#expiries.get(i) ?? null,
      };
    }
  }

  /**
   * A stable counting sort of the row indexes by user id. User ids come from one sequence, so an account's are dense
   * enough to count in an array; when they span more than a few slots per binding, the rows keep the order read.
   */
  #groupByUser(): Int32Array {
    const userIds = this.#userIds;
    const order = new Int32Array(userIds.length);
    let min = Infinity;
    let max = -Infinity;
    for (const id of userIds) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
    if (userIds.length === 0 || max - min > 4 * userIds.length + 1024) return order.map((_, i) => i);
    const next = new Int32Array(max - min + 2);
    for (const id of userIds) next[id - min + 1]!++;
    for (let k = 1; k < next.length; k++) next[k]! += next[k - 1]!;
    for (let i = 0; i < userIds.length; i++) order[next[userIds[i]! - min]!++] = i;
    return order;
  }
}
