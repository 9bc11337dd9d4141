import type { AccountRoleKey } from '../domain/account-roles.js';
import { ACCOUNT_MEMBER_ORGANIZATION_BITS, compileRole, type CompiledRole } from './grant-rules.js';
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
} from './world.js';

/** @internal Kinds of cell; a user's cells are keyed `id * 4 + kind`. */
export const ORGANIZATION_CELL = 0;
export const SPACE_CELL = 1;
export const PROJECT_CELL = 2;
type CellKind = typeof ORGANIZATION_CELL | typeof SPACE_CELL | typeof PROJECT_CELL;

/** @internal The key of a user's cell on a resource. */
export function cellKey(kind: CellKind, id: number): number {
  return id * 4 + kind;
}

/**
 * @internal What one user holds on one organization, space or project: the grant sources there (a
 * membership's role, role bindings) and the permission bits derived from them.
 */
interface Cell {
  user: UserEntry;
  key: number;
  /** Granted on the resource and everything beneath it. */
  bits: PermissionBits;
  /** Organization cells only: granted on the organization and its non-private spaces (and beneath those). */
  publicSpaceBits: PermissionBits | undefined;
  /** The organization or space membership's role. */
  membershipRoleId: number | undefined;
  /** Role bindings on the space or project, as pairs: binding id, role id, binding id, role id, … */
  bindings: number[] | undefined;
}

/** @internal */
export interface UserEntry {
  id: number;
  role: AccountRoleKey;
  active: boolean;
  isBot: boolean;
  cells: Map<number, Cell>;
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
 * Decisions (`check`, `explain`, …) walk at most project → space → organization → account, each step one Map
 * lookup.
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
  /** @internal */ readonly organizations = new Map<number, OrganizationEntry>();
  /** @internal */ readonly spaces = new Map<number, SpaceEntry>();
  /** @internal */ readonly projects = new Map<number, ProjectEntry>();
  /** @internal */ readonly roles = new Map<number, CompiledRole>();
  /** @internal binding id → the cell the binding feeds (bindings of known users only) */
  readonly bindings = new Map<number, Cell>();
  /** Unions of several roles' bits, shared by every cell with the same roles (memory stays flat). */
  private readonly unions = new Map<string, PermissionBits>();

  private constructor(readonly accountId: number) {}

  /**
   * Indexes a whole account. Spaces of unknown organizations and projects of unknown spaces are left out.
   *
   * @example
   * const snapshot = AccessSnapshot.build({ accountId: 1, users: [{ id: 1, role: 'ADMIN', active: true, isBot: false }],
   *   organizations: [], spaces: [], projects: [], roles: [], organizationMemberships: [], spaceMemberships: [], roleBindings: [] });
   */
  static build(input: WorldInput): AccessSnapshot {
    const s = new AccessSnapshot(input.accountId);
    for (const r of input.roles) s.roles.set(r.id, compileRole(r));
    for (const o of input.organizations) s.organizations.set(o.id, { id: o.id, name: o.name, spaces: new Set() });
    for (const sp of input.spaces) s.insertSpace(sp);
    for (const p of input.projects) s.insertProject(p);
    for (const u of input.users) s.users.set(u.id, newUserEntry(u));
    for (const m of input.organizationMemberships) s.upsertOrganizationMembership(m);
    for (const m of input.spaceMemberships) s.upsertSpaceMembership(m);
    for (const b of input.roleBindings) s.upsertBinding(b);
    return s;
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
    for (const cell of u.cells.values()) if (cell.key % 4 === ORGANIZATION_CELL) this.recomputeCell(cell);
  }

  /** Drops the user with its memberships and bindings. */
  removeUser(userId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    for (const cell of u.cells.values()) this.forgetBindings(cell);
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
      const doomed: number[] = [];
      for (const cell of u.cells.values()) {
        if (cell.membershipRoleId === roleId) cell.membershipRoleId = undefined;
        const pairs = cell.bindings ?? [];
        for (let k = 0; k < pairs.length; k += 2) if (pairs[k + 1] === roleId) doomed.push(pairs[k]!);
      }
      for (const bindingId of doomed) this.detachBinding(bindingId);
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
  }

  /**
   * Removes the user from the organization and, as the lifecycle rules demand, from every space of it, with
   * its role bindings on those spaces and their projects.
   */
  removeOrganizationMembership(userId: number, organizationId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    u.cells.delete(cellKey(ORGANIZATION_CELL, organizationId));
    for (const spaceId of this.organizations.get(organizationId)?.spaces ?? []) {
      this.dropCell(u, cellKey(SPACE_CELL, spaceId));
      for (const projectId of this.spaces.get(spaceId)!.projects) this.dropCell(u, cellKey(PROJECT_CELL, projectId));
    }
  }

  /** Adds a space membership or changes its role. */
  upsertSpaceMembership(membership: SpaceMembershipInput): void {
    this.setMembership(membership.userId, SPACE_CELL, membership.spaceId, membership.roleId);
  }

  /** Removes a space membership; role bindings on the space stay. */
  removeSpaceMembership(userId: number, spaceId: number): void {
    const cell = this.users.get(userId)?.cells.get(cellKey(SPACE_CELL, spaceId));
    if (cell === undefined) return;
    cell.membershipRoleId = undefined;
    this.recomputeCell(cell);
  }

  /** Adds a role binding, or replaces the one with the same id. */
  upsertBinding(binding: RoleBindingInput): void {
    this.detachBinding(binding.id);
    const cell = this.attachBinding(binding);
    if (cell !== undefined) this.recomputeCell(cell);
  }

  /** Removes a role binding by id (unknown ids are ignored). */
  removeBinding(bindingId: number): void {
    this.detachBinding(bindingId);
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
  private setMembership(userId: number, kind: CellKind, id: number, roleId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    const cell = cellOf(u, cellKey(kind, id));
    cell.membershipRoleId = roleId;
    this.recomputeCell(cell);
  }

  /** Records a binding on its user's cell, without recomputing it; bindings of unknown users are ignored. */
  private attachBinding(b: RoleBindingInput): Cell | undefined {
    const u = this.users.get(b.userId);
    if (u === undefined) return undefined;
    const cell = cellOf(u, cellKey(b.resourceType === 'SPACE' ? SPACE_CELL : PROJECT_CELL, b.resourceId));
    if (cell.bindings === undefined) cell.bindings = [b.id, b.roleId];
    else cell.bindings.push(b.id, b.roleId);
    this.bindings.set(b.id, cell);
    return cell;
  }

  /** Forgets a binding and recomputes the one cell it fed. */
  private detachBinding(bindingId: number): void {
    const cell = this.bindings.get(bindingId);
    if (cell === undefined) return;
    this.bindings.delete(bindingId);
    const pairs = cell.bindings!;
    for (let k = 0; k < pairs.length; k += 2) {
      if (pairs[k] === bindingId) {
        pairs.splice(k, 2);
        break;
      }
    }
    if (pairs.length === 0) cell.bindings = undefined;
    this.recomputeCell(cell);
  }

  /** Drops a cell with its membership and bindings. */
  private dropCell(u: UserEntry, key: number): void {
    const cell = u.cells.get(key);
    if (cell === undefined) return;
    this.forgetBindings(cell);
    u.cells.delete(key);
  }

  private forgetBindings(cell: Cell): void {
    const pairs = cell.bindings ?? [];
    for (let k = 0; k < pairs.length; k += 2) this.bindings.delete(pairs[k]!);
  }

  /** Drops every cell of every user on the given resources (they are gone). */
  private purge(organizationIds: ReadonlySet<number>, spaceIds: ReadonlySet<number>, projectIds: ReadonlySet<number>): void {
    const gone = [organizationIds, spaceIds, projectIds] as const;
    for (const u of this.users.values()) {
      for (const key of u.cells.keys()) {
        const kind = key % 4 as CellKind;
        if (gone[kind].has((key - kind) / 4)) this.dropCell(u, key);
      }
    }
  }

  private holdsRole(u: UserEntry, roleId: number): boolean {
    for (const cell of u.cells.values()) {
      if (cell.membershipRoleId === roleId) return true;
      const pairs = cell.bindings ?? [];
      for (let k = 1; k < pairs.length; k += 2) if (pairs[k] === roleId) return true;
    }
    return false;
  }

  private recomputeUser(u: UserEntry): void {
    for (const cell of u.cells.values()) this.recomputeCell(cell);
  }

  /** Derives a cell's bits from its sources; a cell left without sources is dropped. */
  private recomputeCell(cell: Cell): void {
    const { user: u, bindings: pairs, membershipRoleId: membership } = cell;
    if (membership === undefined && pairs === undefined) {
      u.cells.delete(cell.key);
      return;
    }
    if (cell.key % 4 === ORGANIZATION_CELL) {
      const role = this.roles.get(membership!);
      const bits = role?.organizationBits ?? EMPTY_BITS;
      cell.bits = u.role === 'MEMBER' ? this.union(`m${membership}`, [bits, ACCOUNT_MEMBER_ORGANIZATION_BITS]) : bits;
      cell.publicSpaceBits = role?.publicSpaceBits;
      return;
    }
    if (pairs === undefined || (membership === undefined && pairs.length === 2)) {
      cell.bits = this.roleBits(membership ?? pairs![1]!);
      return;
    }
    const roleIds = pairs.filter((_, k) => k % 2 === 1);
    if (membership !== undefined) roleIds.push(membership);
    const unique = [...new Set(roleIds)].sort((a, b) => a - b);
    cell.bits = unique.length === 1 ? this.roleBits(unique[0]!) : this.union(unique.join(','), unique.map((r) => this.roleBits(r)));
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
  return { id: u.id, role: u.role, active: u.active, isBot: u.isBot, cells: new Map() };
}

function cellOf(u: UserEntry, key: number): Cell {
  let cell = u.cells.get(key);
  if (cell === undefined) {
    cell = { user: u, key, bits: EMPTY_BITS, publicSpaceBits: undefined, membershipRoleId: undefined, bindings: undefined };
    u.cells.set(key, cell);
  }
  return cell;
}
