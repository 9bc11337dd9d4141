import type { AccountRoleKey } from '../domain/account-roles.js';
import { ACCOUNT_MEMBER_ORGANIZATION_BITS, compileRole, type CompiledRole } from './grant-rules.js';
import { BindingTable } from './binding-table.js';
import { CellMap } from './cell-map.js';
import { EMPTY_BITS, emptyBits, orInto, type PermissionBits } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import type {
  OrganizationInput,
  OrganizationMembershipInput,
  ProjectInput,
  RoleBindingInput,
  RoleInput,
  SpaceInput,
  SpaceMembershipInput,
  UserInput,
  WorldInput,
  WorldSource,
} from './world.js';

/**
 * @internal Kinds of entry in a user's cells; the entry of kind `k` on resource `id` has the key `id * 8 + k`.
 * Kinds 0–3 hold permission bits, kinds 4 and 5 a membership's role id.
 */
export const ORGANIZATION_CELL = 0;
export const SPACE_CELL = 1;
export const PROJECT_CELL = 2;
/** Organization only: granted on the organization and its non-private spaces (and beneath those). */
export const PUBLIC_SPACES_CELL = 3;
/** A membership's entry kind is its cell's kind + MEMBERSHIP; every kind from MEMBERSHIP on is a membership. */
const MEMBERSHIP = 4;
const ORGANIZATION_MEMBERSHIP = ORGANIZATION_CELL + MEMBERSHIP;
const SPACE_MEMBERSHIP = SPACE_CELL + MEMBERSHIP;
const KINDS = 8;
type CellKind = typeof ORGANIZATION_CELL | typeof SPACE_CELL | typeof PROJECT_CELL;
/** The resource kind (organization, space, project) each kind of entry sits on. */
const RESOURCE_KIND: readonly CellKind[] = [
  ORGANIZATION_CELL, SPACE_CELL, PROJECT_CELL, ORGANIZATION_CELL, ORGANIZATION_CELL, SPACE_CELL,
];

const NO_BINDINGS: readonly number[] = [];

/** @internal The key of a user's cell on a resource. */
export function cellKey(kind: CellKind, id: number): number {
  return id * KINDS + kind;
}

function kindOf(key: number): number {
  return ((key % KINDS) + KINDS) % KINDS;
}

/** @internal The bits the user holds on the resource by its memberships and bindings there. */
export function cellBits(u: UserEntry, kind: CellKind | typeof PUBLIC_SPACES_CELL, id: number): PermissionBits | undefined {
  return u.cells.get(id * KINDS + kind) as PermissionBits | undefined;
}

/** @internal The role of the user's membership of an organization or space. */
export function membershipRoleOf(u: UserEntry, kind: typeof ORGANIZATION_CELL | typeof SPACE_CELL, id: number): number | undefined {
  return u.cells.get(id * KINDS + kind + MEMBERSHIP) as number | undefined;
}

/**
 * @internal A user and, per organization, space and project where the user holds a membership or a role
 * binding, the permission bits derived from them (one pair of a CellMap per cell: no object per cell or binding).
 */
export interface UserEntry {
  id: number;
  role: AccountRoleKey;
  active: boolean;
  isBot: boolean;
  /** Entry key (see cellKey) → bits (kinds 0–3) or a membership's role id (kinds 4, 5). */
  cells: CellMap;
  /**
   * The id of the user's last role binding (undefined: none), the end of the ring of the user's bindings in the
   * order they were added (explanations list them so), which the snapshot's binding table links.
   */
  lastBinding: number | undefined;
}

/** @internal */
interface OrganizationEntry {
  id: number;
  name: string | undefined;
  spaces: Set<number>;
}

/** @internal */
export interface SpaceEntry {
  id: number;
  organizationId: number;
  isPrivate: boolean;
  name: string | undefined;
  projects: Set<number>;
}

/** @internal */
export interface ProjectEntry {
  id: number;
  spaceId: number;
  restricted: boolean;
  name: string | undefined;
}

/**
 * The access state of one account, indexed for decisions: per user, one cell per organization, space and
 * project where the user holds a membership or a role binding, carrying the permission bits granted there.
 * Decisions (`check`, `explain`, …) walk at most project → space → organization → account, each step one
 * lookup in the user's few cells.
 *
 * Build it once with {@link AccessSnapshot.build} and keep it current with the `upsert…`/`remove…`/
 * `setRestricted` methods, each of which mirrors one committed change (a removal also drops what the database
 * cascades with it). A membership or binding change recomputes one cell, so it costs microseconds at any size;
 * a custom role's change recomputes the users holding it.
 *
 * Upserts of a space or project whose parent is unknown throw (upsert the parent first). Memberships and
 * bindings of users unknown to the snapshot are ignored (upsert the user first).
 *
 * @example
 * const snapshot = AccessSnapshot.build(await loadWorld(db, accountId));
 * snapshot.upsertBinding({ id: 9, userId: 4, roleId: memberRoleId, resourceType: 'PROJECT', resourceId: 7 });
 * check(snapshot, 4, 'PROJECT_SPAN_READ', { type: 'PROJECT', id: 7 }); // true
 */
export class AccessSnapshot {
  /** @internal */ readonly users = new Map<number, UserEntry>();
  /** @internal */ readonly organizations: Map<number, OrganizationEntry>;
  /** @internal */ readonly spaces: Map<number, SpaceEntry>;
  /** @internal */ readonly projects: Map<number, ProjectEntry>;
  /** @internal */ readonly roles: Map<number, CompiledRole>;
  /** @internal Every role binding of a known user, by id. */
  readonly bindings = new BindingTable();
  /** Unions of several roles' bits, shared by every cell with the same roles (memory stays flat). */
  private readonly unions = new Map<string, PermissionBits>();
  /**
   * The grants that expire, by key (`b<binding id>`, `o<user id>:<organization id>`, `s<user id>:<space id>`), with
   * the instant in ms. An entry may outlive its grant (a purge); expire() checks that the grant is still there.
   */
  private readonly expiring = new Map<string, number>();
  /** At or before the earliest expiry (Infinity: none); expire() recomputes it. */
  private earliest = Infinity;

  /** `hierarchy`: a snapshot whose organizations, spaces, projects and roles this one shares (see sibling). */
  private constructor(readonly accountId: number, hierarchy?: AccessSnapshot) {
    this.organizations = hierarchy?.organizations ?? new Map();
    this.spaces = hierarchy?.spaces ?? new Map();
    this.projects = hierarchy?.projects ?? new Map();
    this.roles = hierarchy?.roles ?? new Map();
  }

  /**
   * Indexes a whole account. Spaces of unknown organizations and projects of unknown spaces are left out.
   *
   * @example
   * const snapshot = AccessSnapshot.build({ accountId: 1, users: [{ id: 1, role: 'ADMIN', active: true, isBot: false }],
   *   organizations: [], spaces: [], projects: [], roles: [], organizationMemberships: [], spaceMemberships: [], roleBindings: [] });
   */
  static build(input: WorldSource): AccessSnapshot {
    const s = new AccessSnapshot(input.accountId);
    for (const r of input.roles) s.roles.set(r.id, compileRole(r));
    for (const o of input.organizations) s.organizations.set(o.id, { id: o.id, name: o.name, spaces: new Set() });
    for (const sp of input.spaces) s.insertSpace(sp);
    for (const p of input.projects) s.insertProject(p);
    for (const u of input.users) s.users.set(u.id, newUserEntry(u));
    for (const m of input.organizationMemberships) s.upsertOrganizationMembership(m);
    for (const m of input.spaceMemberships) s.upsertSpaceMembership(m);
    s.addBindings(input.roleBindings);
    return s;
  }

  /**
   * @internal A snapshot of some users only: `grants`' users with their memberships and bindings, less the grants
   * expired at `now` (ms), on this snapshot's organizations, spaces, projects and roles — shared, not copied, so it
   * costs about the grants' rows. It is for reading: neither snapshot may change the shared parts while the other
   * is in use. (A dry run reads a few users' grants before and after a change this way.)
   *
   * @example
   * const after = snapshot.sibling({ users: [ada], organizationMemberships: [], spaceMemberships: [], roleBindings: [binding] }, Date.now());
   */
  sibling(grants: Pick<WorldInput, 'users' | 'organizationMemberships' | 'spaceMemberships' | 'roleBindings'>, now: number): AccessSnapshot {
    const s = new AccessSnapshot(this.accountId, this);
    for (const u of grants.users) s.users.set(u.id, newUserEntry(u));
    for (const m of grants.organizationMemberships) s.upsertOrganizationMembership(m);
    for (const m of grants.spaceMemberships) s.upsertSpaceMembership(m);
    s.addBindings(grants.roleBindings);
    s.expire(now);
    return s;
  }

  /**
   * @internal Answers `read()` with the given projects restricted or not as given, then sets them back before
   * returning, so that no one else sees the change: `read` must not await. Siblings share the change while it
   * lasts. Unknown projects are ignored.
   *
   * @example
   * const held = snapshot.withRestrictions(new Map([[7, true]]), () => permissionsOn(snapshot, 4, { type: 'PROJECT', id: 7 }));
   */
  withRestrictions<T>(restricted: ReadonlyMap<number, boolean>, read: () => T): T {
    const flipped: ProjectEntry[] = [];
    for (const [id, value] of restricted) {
      const p = this.projects.get(id);
      if (p === undefined || p.restricted === value) continue;
      p.restricted = value;
      flipped.push(p);
    }
    try {
      return read();
    } finally {
      for (const p of flipped) p.restricted = !p.restricted;
    }
  }

  /**
   * The instant (ms since the epoch) at or after which {@link AccessSnapshot.expire} has something to drop;
   * Infinity when no grant expires.
   */
  get nextExpiry(): number {
    return this.earliest;
  }

  /**
   * Drops every membership and binding whose `expiresAt` is at or before `now` (ms since the epoch), as the sweeper
   * then deletes them: an expired grant stops counting at that instant, whether or not the sweeper has run. An
   * organization membership takes the user's spaces of it along, as its removal does. Answers how many grants went.
   *
   * @example
   * snapshot.upsertBinding({ id: 9, userId: 4, roleId: 2, resourceType: 'SPACE', resourceId: 12, expiresAt: '2026-12-03T10:00:00Z' });
   * snapshot.expire(Date.parse('2026-12-03T10:00:00Z')); // 1: the binding no longer counts
   */
  expire(now: number): number {
    if (now < this.earliest) return 0;
    let dropped = 0;
    let earliest = Infinity;
    for (const [key, at] of [...this.expiring]) {
      if (at > now) {
        earliest = Math.min(earliest, at);
        continue;
      }
      this.expiring.delete(key);
      const [userOrBinding, resource] = key.slice(1).split(':').map(Number) as [number, number];
      if (key[0] === 'b') {
        if (!this.bindings.has(userOrBinding)) continue;
        this.removeBinding(userOrBinding);
      } else {
        const kind = key[0] === 'o' ? ORGANIZATION_CELL : SPACE_CELL;
        const u = this.users.get(userOrBinding);
        if (u === undefined || membershipRoleOf(u, kind, resource) === undefined) continue;
        if (kind === ORGANIZATION_CELL) this.removeOrganizationMembership(userOrBinding, resource);
        else this.removeSpaceMembership(userOrBinding, resource);
      }
      dropped++;
    }
    this.earliest = earliest;
    return dropped;
  }

  /** True when the user is known to the snapshot (live, whatever its status). */
  hasUser(userId: number): boolean {
    return this.users.has(userId);
  }

  /** True when the resource exists in this account (the account itself always does). */
  hasResource(resource: ResourceRef): boolean {
    switch (resource.type) {
      case 'ACCOUNT': return true;
      case 'ORGANIZATION': return this.organizations.has(resource.id);
      case 'SPACE': return this.spaces.has(resource.id);
      case 'PROJECT': return this.projects.has(resource.id);
    }
  }

  /** The space of a project, or undefined for an unknown project. */
  spaceOf(projectId: number): number | undefined {
    return this.projects.get(projectId)?.spaceId;
  }

  /** The organization of a space, or undefined for an unknown space. */
  organizationOf(spaceId: number): number | undefined {
    return this.spaces.get(spaceId)?.organizationId;
  }

  /** True when the project exists and is restricted. */
  isRestricted(projectId: number): boolean {
    return this.projects.get(projectId)?.restricted === true;
  }

  /** Adds a user or applies a change of account role, status (active) or bot flag. */
  upsertUser(user: UserInput): void {
    const u = this.users.get(user.id);
    if (u === undefined) {
      this.users.set(user.id, newUserEntry(user));
      return;
    }
    const roleChanged = u.role !== user.role;
    u.role = user.role;
    u.active = user.active;
    u.isBot = user.isBot;
    if (!roleChanged) return;
    // Account MEMBER adds ORGANIZATION_READ to each organization cell.
    const organizationKeys = u.cells.keys().filter((key) => kindOf(key) === ORGANIZATION_MEMBERSHIP);
    for (const key of organizationKeys) this.recomputeCell(u, key - MEMBERSHIP);
  }

  /** Drops the user with its memberships and bindings. */
  removeUser(userId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    this.bindings.unlinkWhere(u.lastBinding, () => true);
    this.users.delete(userId);
  }

  /** Adds or replaces a role; a changed custom role recomputes the users who hold it. */
  upsertRole(role: RoleInput): void {
    this.roles.set(role.id, compileRole(role));
    this.unions.clear();
    for (const u of this.users.values()) if (this.holdsRole(u, role.id)) this.recomputeUser(u);
  }

  /** Drops a role and, as `DELETE …?force=true` does, every membership and binding that uses it. */
  removeRole(roleId: number): void {
    this.roles.delete(roleId);
    this.unions.clear();
    for (const u of this.users.values()) {
      if (!this.holdsRole(u, roleId)) continue;
      u.cells.deleteWhere((key, value) => kindOf(key) >= MEMBERSHIP && value === roleId);
      this.dropBindingsWhere(u, (bindingId) => this.bindings.roleOf(bindingId) === roleId);
      this.recomputeUser(u);
    }
  }

  /** Adds an organization or renames it. */
  upsertOrganization(organization: OrganizationInput): void {
    const o = this.organizations.get(organization.id);
    if (o === undefined) this.organizations.set(organization.id, { id: organization.id, name: organization.name, spaces: new Set() });
    else o.name = organization.name;
  }

  /** Drops the organization, its spaces and their projects, and every membership and binding on them. */
  removeOrganization(organizationId: number): void {
    const o = this.organizations.get(organizationId);
    if (o === undefined) return;
    const spaceIds = new Set(o.spaces);
    const projectIds = new Set<number>();
    for (const spaceId of spaceIds) {
      for (const projectId of this.spaces.get(spaceId)!.projects) projectIds.add(projectId);
      this.spaces.delete(spaceId);
    }
    for (const projectId of projectIds) this.projects.delete(projectId);
    this.organizations.delete(organizationId);
    this.purge(new Set([organizationId]), spaceIds, projectIds);
  }

  /** Adds a space or updates its name, privacy or organization. Throws for an unknown organization. */
  upsertSpace(space: SpaceInput): void {
    if (!this.organizations.has(space.organizationId)) {
      throw new Error(`unknown organization ${space.organizationId}: upsert it before space ${space.id}`);
    }
    const sp = this.spaces.get(space.id);
    if (sp === undefined) {
      this.insertSpace(space);
      return;
    }
    this.organizations.get(sp.organizationId)?.spaces.delete(sp.id);
    this.organizations.get(space.organizationId)!.spaces.add(sp.id);
    sp.organizationId = space.organizationId;
    sp.isPrivate = space.isPrivate;
    sp.name = space.name;
  }

  /** Drops the space, its projects, and every membership and binding on them. */
  removeSpace(spaceId: number): void {
    const sp = this.spaces.get(spaceId);
    if (sp === undefined) return;
    for (const projectId of sp.projects) this.projects.delete(projectId);
    this.organizations.get(sp.organizationId)?.spaces.delete(spaceId);
    this.spaces.delete(spaceId);
    this.purge(new Set(), new Set([spaceId]), sp.projects);
  }

  /** Adds a project or updates its name, restriction or space. Throws for an unknown space. */
  upsertProject(project: ProjectInput): void {
    if (!this.spaces.has(project.spaceId)) {
      throw new Error(`unknown space ${project.spaceId}: upsert it before project ${project.id}`);
    }
    const p = this.projects.get(project.id);
    if (p === undefined) {
      this.insertProject(project);
      return;
    }
    this.spaces.get(p.spaceId)?.projects.delete(p.id);
    this.spaces.get(project.spaceId)!.projects.add(p.id);
    p.spaceId = project.spaceId;
    p.restricted = project.restricted;
    p.name = project.name;
  }

  /** Drops the project, its restriction and its PROJECT bindings. */
  removeProject(projectId: number): void {
    const p = this.projects.get(projectId);
    if (p === undefined) return;
    this.spaces.get(p.spaceId)?.projects.delete(projectId);
    this.projects.delete(projectId);
    this.purge(new Set(), new Set(), new Set([projectId]));
  }

  /** Restricts or unrestricts a project (idempotent; unknown projects are ignored). */
  setRestricted(projectId: number, restricted: boolean): void {
    const p = this.projects.get(projectId);
    if (p !== undefined) p.restricted = restricted;
  }

  /** Adds an organization membership or changes its role. */
  upsertOrganizationMembership(membership: OrganizationMembershipInput): void {
    this.setMembership(membership.userId, ORGANIZATION_CELL, membership.organizationId, membership.roleId);
    this.track(`o${membership.userId}:${membership.organizationId}`, membership.expiresAt);
  }

  /**
   * Removes the user from the organization and, as the lifecycle rules demand, from every space of it, with
   * its role bindings on those spaces and their projects.
   */
  removeOrganizationMembership(userId: number, organizationId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    const spaceIds = this.organizations.get(organizationId)?.spaces ?? new Set<number>();
    this.dropCellsWhere(u, (kind, id) => {
      switch (kind) {
        case ORGANIZATION_CELL: return id === organizationId;
        case SPACE_CELL: return spaceIds.has(id);
        case PROJECT_CELL: {
          const spaceId = this.projects.get(id)?.spaceId;
          return spaceId !== undefined && spaceIds.has(spaceId);
        }
      }
    });
  }

  /**
   * Removes the organization membership alone, as an identity provider's sync deletes its row (never the API's
   * cascade): the user's memberships of the organization's spaces and bindings there stay.
   */
  removeOrganizationMembershipRow(userId: number, organizationId: number): void {
    const u = this.users.get(userId);
    const key = cellKey(ORGANIZATION_CELL, organizationId);
    if (u === undefined || !u.cells.delete(key + MEMBERSHIP)) return;
    this.recomputeCell(u, key);
  }

  /** Adds a space membership or changes its role. */
  upsertSpaceMembership(membership: SpaceMembershipInput): void {
    this.setMembership(membership.userId, SPACE_CELL, membership.spaceId, membership.roleId);
    this.track(`s${membership.userId}:${membership.spaceId}`, membership.expiresAt);
  }

  /** Removes a space membership; role bindings on the space stay. */
  removeSpaceMembership(userId: number, spaceId: number): void {
    const u = this.users.get(userId);
    const key = cellKey(SPACE_CELL, spaceId);
    if (u === undefined || !u.cells.delete(key + MEMBERSHIP)) return;
    this.recomputeCell(u, key);
  }

  /** Adds a role binding, or replaces the one with the same id. */
  upsertBinding(binding: RoleBindingInput): void {
    this.detachBinding(binding.id);
    const u = this.users.get(binding.userId);
    if (u !== undefined) this.recomputeCell(u, this.attachBinding(u, binding));
    this.track(`b${binding.id}`, binding.expiresAt);
  }

  /** Removes a role binding by id (unknown ids are ignored). */
  removeBinding(bindingId: number): void {
    this.detachBinding(bindingId);
  }

  /**
   * @internal The user's bindings on one cell, in the order they were added, as pairs: binding id, role id, …
   * A cell without bits holds none (a binding always gives its cell bits: setCellBits), so the user's ring is walked
   * only for a cell the user holds something on: most of explain()'s questions end at that lookup.
   */
  bindingsIn(u: UserEntry, key: number): readonly number[] {
    if (u.cells.get(key) === undefined) return NO_BINDINGS;
    return this.bindings.pairsIn(u.lastBinding, key) ?? NO_BINDINGS;
  }

  /** Records when a grant expires, or that it no longer does (an upsert without expiry). */
  private track(key: string, expiresAt: string | null | undefined): void {
    if (!expiresAt) {
      this.expiring.delete(key);
      return;
    }
    const at = Date.parse(expiresAt);
    this.expiring.set(key, at);
    this.earliest = Math.min(this.earliest, at);
  }

  private insertSpace(space: SpaceInput): void {
    const o = this.organizations.get(space.organizationId);
    if (o === undefined) return;
    o.spaces.add(space.id);
    this.spaces.set(space.id, {
      id: space.id, organizationId: space.organizationId, isPrivate: space.isPrivate, name: space.name, projects: new Set(),
    });
  }

  private insertProject(project: ProjectInput): void {
    const sp = this.spaces.get(project.spaceId);
    if (sp === undefined) return;
    sp.projects.add(project.id);
    this.projects.set(project.id, { id: project.id, spaceId: project.spaceId, restricted: project.restricted, name: project.name });
  }

  /** Sets a membership's role on the user's cell; unknown users are ignored. */
  private setMembership(userId: number, kind: typeof ORGANIZATION_CELL | typeof SPACE_CELL, id: number, roleId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    const key = cellKey(kind, id);
    u.cells.set(key + MEMBERSHIP, roleId);
    this.recomputeCell(u, key);
  }

  /**
   * A build's bindings: each one ORs its role into its cell (the result shared by every cell with the same bits
   * and role), instead of recomputing the cell from all its sources as a single upsert does.
   */
  private addBindings(bindings: Iterable<RoleBindingInput>): void {
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    for (const b of bindings) {
      if (b.id < min) min = b.id;
      if (b.id > max) max = b.id;
      count++;
    }
    this.bindings.startBuild(min, max, count);
    const joined = new Map<PermissionBits, Map<number, PermissionBits>>();
    for (const b of bindings) {
      if (this.bindings.has(b.id)) this.detachBinding(b.id);
      const u = this.users.get(b.userId);
      if (u === undefined) continue;
      if (b.expiresAt) this.track(`b${b.id}`, b.expiresAt);
      const key = this.attachBinding(u, b);
      const role = this.roleBits(b.roleId);
      const bits = u.cells.get(key) as PermissionBits | undefined;
      if (bits === undefined || bits === role) {
        u.cells.set(key, role);
        continue;
      }
      let byRole = joined.get(bits);
      if (byRole === undefined) joined.set(bits, byRole = new Map());
      let union = byRole.get(b.roleId);
      if (union === undefined) {
        union = emptyBits();
        orInto(union, bits);
        orInto(union, role);
        byRole.set(b.roleId, union);
      }
      u.cells.set(key, union);
    }
    this.bindings.endBuild();
    // Pushes leave up to half an array's room unused: hand each user an exact copy.
    for (const u of this.users.values()) u.cells.compact();
  }

  /** Records a binding of a known user, without recomputing its cell; answers the cell's key. */
  private attachBinding(u: UserEntry, b: RoleBindingInput): number {
    const key = cellKey(b.resourceType === 'SPACE' ? SPACE_CELL : PROJECT_CELL, b.resourceId);
    this.bindings.append(u.lastBinding, b.id, u.id, b.roleId, key);
    u.lastBinding = b.id;
    return key;
  }

  /** Forgets a binding and recomputes the one cell it fed. */
  private detachBinding(bindingId: number): void {
    const userId = this.bindings.userOf(bindingId);
    if (userId === undefined) return;
    const key = this.bindings.keyOf(bindingId);
    const u = this.users.get(userId)!;
    u.lastBinding = this.bindings.unlink(u.lastBinding!, bindingId);
    this.recomputeCell(u, key);
  }

  /** Forgets the user's bindings that match, keeping the others in order; recomputes nothing. */
  private dropBindingsWhere(u: UserEntry, doomed: (bindingId: number, key: number) => boolean): void {
    u.lastBinding = this.bindings.unlinkWhere(u.lastBinding, doomed);
  }

  /** Drops the user's cells on the matching resources, with their memberships and bindings. */
  private dropCellsWhere(u: UserEntry, gone: (kind: CellKind, id: number) => boolean): void {
    const isGone = (key: number) => {
      const kind = kindOf(key);
      return gone(RESOURCE_KIND[kind]!, (key - kind) / KINDS);
    };
    u.cells.deleteWhere(isGone);
    this.dropBindingsWhere(u, (_, key) => isGone(key));
  }

  /** Drops every cell of every user on the given resources (they are gone). */
  private purge(organizationIds: ReadonlySet<number>, spaceIds: ReadonlySet<number>, projectIds: ReadonlySet<number>): void {
    const gone = [organizationIds, spaceIds, projectIds] as const;
    for (const u of this.users.values()) this.dropCellsWhere(u, (kind, id) => gone[kind].has(id));
  }

  private holdsRole(u: UserEntry, roleId: number): boolean {
    for (const [key, value] of u.cells.entries()) if (kindOf(key) >= MEMBERSHIP && value === roleId) return true;
    return this.bindings.some(u.lastBinding, (id) => this.bindings.roleOf(id) === roleId);
  }

  /** Recomputes every cell of the user from its sources, in one pass over them. */
  private recomputeUser(u: UserEntry): void {
    const organizationKeys = new Set<number>();
    const sources = new Map<number, number[]>();
    const sourcesOf = (key: number) => {
      let roleIds = sources.get(key);
      if (roleIds === undefined) sources.set(key, roleIds = []);
      return roleIds;
    };
    for (const [key, value] of u.cells.entries()) {
      const kind = kindOf(key);
      const cell = key - kind + RESOURCE_KIND[kind]!;
      if (RESOURCE_KIND[kind] === ORGANIZATION_CELL) organizationKeys.add(cell);
      else if (kind === SPACE_MEMBERSHIP) sourcesOf(cell).push(value as number);
      else sourcesOf(cell);
    }
    this.bindings.forEach(u.lastBinding, (id, key) => sourcesOf(key).push(this.bindings.roleOf(id)));
    for (const key of organizationKeys) this.recomputeOrganizationCell(u, key);
    for (const [key, roleIds] of sources) this.setCellBits(u, key, roleIds);
  }

  /** Derives a cell's bits from its sources; a cell left without sources is dropped. */
  private recomputeCell(u: UserEntry, key: number): void {
    if (kindOf(key) === ORGANIZATION_CELL) {
      this.recomputeOrganizationCell(u, key);
      return;
    }
    const roleIds: number[] = [];
    const membership = u.cells.get(key + MEMBERSHIP);
    if (kindOf(key) === SPACE_CELL && membership !== undefined) roleIds.push(membership as number);
    this.bindings.forEach(u.lastBinding, (id, bindingKey) => {
      if (bindingKey === key) roleIds.push(this.bindings.roleOf(id));
    });
    this.setCellBits(u, key, roleIds);
  }

  private recomputeOrganizationCell(u: UserEntry, key: number): void {
    const membership = u.cells.get(key + MEMBERSHIP) as number | undefined;
    const publicKey = key + PUBLIC_SPACES_CELL;
    if (membership === undefined) {
      u.cells.delete(key);
      u.cells.delete(publicKey);
      return;
    }
    const role = this.roles.get(membership);
    const bits = role?.organizationBits ?? EMPTY_BITS;
    u.cells.set(key, u.role === 'MEMBER' ? this.union(`m${membership}`, [bits, ACCOUNT_MEMBER_ORGANIZATION_BITS]) : bits);
    if (role?.publicSpaceBits === undefined) u.cells.delete(publicKey);
    else u.cells.set(publicKey, role.publicSpaceBits);
  }

  /** Sets a space or project cell's bits to the union of its sources' roles (none: the cell is dropped). */
  private setCellBits(u: UserEntry, key: number, roleIds: number[]): void {
    if (roleIds.length === 0) {
      u.cells.delete(key);
      return;
    }
    if (roleIds.length === 1) {
      u.cells.set(key, this.roleBits(roleIds[0]!));
      return;
    }
    const unique = [...new Set(roleIds)].sort((a, b) => a - b);
    u.cells.set(key, unique.length === 1 ? this.roleBits(unique[0]!) : this.union(unique.join(','), unique.map((r) => this.roleBits(r))));
  }

  private roleBits(roleId: number): PermissionBits {
    return this.roles.get(roleId)?.bits ?? EMPTY_BITS;
  }

  private union(key: string, parts: PermissionBits[]): PermissionBits {
    let bits = this.unions.get(key);
    if (bits === undefined) {
      bits = emptyBits();
      for (const part of parts) orInto(bits, part);
      this.unions.set(key, bits);
    }
    return bits;
  }
}

function newUserEntry(u: UserInput): UserEntry {
  return { id: u.id, role: u.role, active: u.active, isBot: u.isBot, cells: new CellMap(), lastBinding: undefined };
}
