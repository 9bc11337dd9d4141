import type { Kysely } from 'kysely';
import type { RoleBindingInput, WorldInput, WorldSource } from '../access/index.js';
import { ACCOUNT_ROLE_KEYS } from '../domain/account-roles.js';
import { isPermission, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import { forAccount } from '../store/account-store.js';
import type { AccessBindingPage } from '../store/repositories/access-world.js';
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
  const pages: BindingPage[] = [];
  const { accessVersion, users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships } =
    await forAccount(db, accountId).accessWorld.read((resourceType, page) => pages.push({ resourceType, page }));
  const roleBindings = BindingColumns.groupedByUser(pages);
  const world: WorldSource = {
    accountId,
    // The role as the catalogue's own string: JSON.parse hands each row a copy, ~40 bytes a user kept by the snapshot.
    users: users.id.map((id, i) => {
      const role = users.role[i]!;
      const standing = { status: users.status[i]!, deleted_at: users.deleted_at[i] ?? null, deactivated_at: users.deactivated_at[i] ?? null };
      return { id, role: ACCOUNT_ROLE_KEYS.find((k) => k === role) ?? role, active: mayAuthenticate(standing), isBot: users.is_bot[i] === 1 };
    }),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    spaces: spaces.map((sp) => ({ id: sp.id, organizationId: sp.organization_id, isPrivate: sp.is_private === 1, name: sp.name })),
    projects: projects.map((p) => ({ id: p.id, spaceId: p.space_id, restricted: p.restricted_id !== null, name: p.name })),
    roles: roles.map((r) => ({
      id: r.id,
      name: r.name,
      predefinedKey: r.predefined_key,
      permissions: r.predefined_key === null ? parsePermissions(r.permissions) : PREDEFINED_ROLES[r.predefined_key].permissions,
    })),
    organizationMemberships: organizationMemberships.user_id.map((userId, i) => ({
      userId, organizationId: organizationMemberships.organization_id[i]!, roleId: organizationMemberships.role_id[i]!,
      expiresAt: organizationMemberships.expires_at[i] ?? null,
    })),
    spaceMemberships: spaceMemberships.user_id.map((userId, i) => ({
      userId, spaceId: spaceMemberships.space_id[i]!, roleId: spaceMemberships.role_id[i]!, expiresAt: spaceMemberships.expires_at[i] ?? null,
    })),
    roleBindings,
  };
  return { world, accessVersion };
}

/** A custom role's JSON array; names outside the catalogue (never written by this server) grant nothing. */
function parsePermissions(json: string | null): Permission[] {
  const parsed: unknown = json === null ? [] : JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((p): p is Permission => typeof p === 'string' && isPermission(p)) : [];
}

/** A page of role bindings as read, with the resource type they are on. */
interface BindingPage {
  resourceType: 'SPACE' | 'PROJECT';
  page: AccessBindingPage;
}

/** Role bindings as columns, the i-th binding's fields at index i. */
interface Columns {
  ids: number[];
  userIds: number[];
  roleIds: number[];
  resourceIds: number[];
  /** 1 for a binding on a project, 0 on a space. */
  onProject: number[];
  /** Expiry by index, for the few bindings that expire. */
  expiries: Map<number, string>;
}

/**
 * Role bindings as columns of numbers, which cost 8 bytes a value where a row object costs ~100 bytes and the
 * garbage collector's attention: a large account's million bindings are read as pages of columns, put into columns of
 * the whole account when the last page is in, and each is handed to the engine as a short-lived object when it builds.
 *
 * They are handed over grouped by user, each user's in the order read (on spaces, then on projects, each by id): the
 * engine's work for a binding is on its user's entry, cells and previous binding, which then stay in the CPU's caches
 * from one binding to the next. In the order read each binding lands on a random user. The columns themselves are
 * put in that order once (groupedByUser), so the engine's passes over them (it makes two) read each column from start
 * to end; read through an index of the grouped order, every read of every pass landed at a random row. An account of
 * 100k users and 1M bindings (2 cores, 4 loads each): the two passes took 453–614 ms through an index (the grouping
 * included), 220–277 ms with the columns put in order first.
 */
class BindingColumns implements Iterable<RoleBindingInput> {
  private constructor(private readonly columns: Columns) {}

  /** The pages' bindings, grouped by user (groupByUser). */
  static groupedByUser(pages: readonly BindingPage[]): BindingColumns {
    return new BindingColumns(groupByUser(pages));
  }

  /**
   * An iterator object, not a generator: the engine iterates twice per build, and through a generator a build of the
   * 100k-user account took 568–697 ms, with this 451–559 ms (medians of 8 builds, two processes with the order
   * swapped; 10k users 54–70 → 46–57 ms).
   */
  [Symbol.iterator](): Iterator<RoleBindingInput> {
    const { ids, userIds, roleIds, resourceIds, onProject, expiries } = this.columns;
    let i = 0;
    return {
      next: (): IteratorResult<RoleBindingInput> => {
        if (i >= ids.length) return { done: true, value: undefined };
        const value: RoleBindingInput = {
          id: ids[i]!, userId: userIds[i]!, roleId: roleIds[i]!,
          resourceType: onProject[i] === 1 ? 'PROJECT' : 'SPACE', resourceId: resourceIds[i]!,
          expiresAt: expiries.size === 0 ? null : expiries.get(i) ?? null,
        };
        i++;
        return { done: false, value };
      },
    };
  }
}

/** The pages' columns end to end, in the order read. */
function joined(pages: readonly BindingPage[]): Columns {
  const column = (of: (page: AccessBindingPage) => number[]) => ([] as number[]).concat(...pages.map(({ page }) => of(page)));
  const onProject: number[] = [];
  const expiries = new Map<number, string>();
  for (const { resourceType, page } of pages) {
    for (let i = 0; i < page.id.length; i++) {
      const expiresAt = page.expires_at[i] ?? null;
      if (expiresAt !== null) expiries.set(onProject.length, expiresAt);
      onProject.push(resourceType === 'PROJECT' ? 1 : 0);
    }
  }
  return {
    ids: column((page) => page.id), userIds: column((page) => page.user_id), roleIds: column((page) => page.role_id),
    resourceIds: column((page) => page.resource_id), onProject, expiries,
  };
}

/**
 * The pages' rows in grouped order, by a stable counting sort on user id, written from the pages straight to their
 * places in the columns. User ids come from one sequence, so an account's are dense enough to count in an array; when
 * they span more than a few slots per binding, the rows keep the order read (joined). The columns stay arrays on the
 * JavaScript heap: as typed arrays (memory of the C library's heap) the 100k-user account's server kept ~60 MB more
 * resident after they were freed (B10). Each column is made once, at its full length: joining the pages first and
 * then permuting a copy made every column twice, and a new array's memory costs its page faults as it is first written
 * (an 8 MB array ~21–25 ms here, rewriting it ~1 ms). The load of an account of 100k users and 1M bindings (2 cores,
 * medians of 10, the two ways alternating in one process): 969 → 804 ms, page faults 41.9k → 26.7k; of 10k users
 * and 100k bindings (medians of 20): 93 → 77 ms.
 */
function groupByUser(pages: readonly BindingPage[]): Columns {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const { page } of pages) {
    n += page.id.length;
    for (const id of page.user_id) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
  }
  if (n === 0 || max - min > 4 * n + 1024) return joined(pages);
  const next = new Int32Array(max - min + 2);
  for (const { page } of pages) for (const id of page.user_id) next[id - min + 1]!++;
  for (let k = 1; k < next.length; k++) next[k]! += next[k - 1]!;
  const column = () => new Array<number>(n).fill(0);
  const ids = column();
  const userIds = column();
  const roleIds = column();
  const resourceIds = column();
  const onProject = column();
  const expiries = new Map<number, string>();
  for (const { resourceType, page } of pages) {
    const type = resourceType === 'PROJECT' ? 1 : 0;
    for (let i = 0; i < page.id.length; i++) {
      const userId = page.user_id[i]!;
      const at = next[userId - min]!++;
      ids[at] = page.id[i]!;
      userIds[at] = userId;
      roleIds[at] = page.role_id[i]!;
      resourceIds[at] = page.resource_id[i]!;
      onProject[at] = type;
      const expiresAt = page.expires_at[i] ?? null;
      if (expiresAt !== null) expiries.set(at, expiresAt);
    }
  }
  return { ids, userIds, roleIds, resourceIds, onProject, expiries };
}
