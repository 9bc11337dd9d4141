import type { AccountRoleKey } from '../store/schema.js';
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

/** @internal A user with its grant sources and the cells derived from them. */
export interface UserEntry {
  id: number;
  role: AccountRoleKey;
  active: boolean;
  isBot: boolean;
  /** organization id → role id */
  organizationMemberships: Map<number, number>;
  /** space id → role id */
  spaceMemberships: Map<number, number>;
  /** space id → binding id → role id */
  spaceBindings: Map<number, Map<number, number>>;
  /** project id → binding id → role id */
  projectBindings: Map<number, Map<number, number>>;
  /** Derived: granted on the organization and beneath. */
  organizationCells: Map<number, PermissionBits>;
  /** Derived: granted on each non-private space of the organization and beneath. */
  publicSpaceCells: Map<number, PermissionBits>;
  /** Derived: granted on the space and its projects. */
  spaceCells: Map<number, PermissionBits>;
  /** Derived: granted on the project. */
  projectCells: Map<number, PermissionBits>;
}

/** @internal */
export interface OrganizationEntry {
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
 * The access state of one account, indexed for decisions: per user, the permission bits granted on each
 * organization, space and project where the user holds a membership or binding. Decisions (`check`,
 * `explain`, …) walk at most project → space → organization → account, each step one Map lookup.
 *
 * Build it once with {@link AccessSnapshot.build} and keep it current with the `upsert…`/`remove…`/
 * `setRestricted` methods, each of which mirrors one committed change (a resource removal also drops what the
 * database cascades with it). A change touches one user's cell, so it costs microseconds at any size; a
 * custom role's change recomputes the users holding it.
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
  /** @internal binding id → binding, to apply removals by id */
  readonly bindings = new Map<number, RoleBindingInput>();
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
    for (const m of input.organizationMemberships) {
      s.users.get(m.userId)?.organizationMemberships.set(m.organizationId, m.roleId);
    }
    for (const m of input.spaceMemberships) s.users.get(m.userId)?.spaceMemberships.set(m.spaceId, m.roleId);
    for (const b of input.roleBindings) {
      s.detachBinding(b.id);
      s.attachBinding(b);
    }
    for (const u of s.users.values()) s.recomputeUser(u);
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
    if (roleChanged) for (const orgId of u.organizationMemberships.keys()) this.recomputeOrganizationCell(u, orgId);
  }

  /** Drops the user with its memberships and bindings. */
  removeUser(userId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    for (const byId of [...u.spaceBindings.values(), ...u.projectBindings.values()]) {
      for (const bindingId of byId.keys()) this.bindings.delete(bindingId);
    }
    this.users.delete(userId);
  }

  /** Adds or replaces a role; a changed custom role recomputes the users who hold it. */
  upsertRole(role: RoleInput): void {
    this.roles.set(role.id, compileRole(role));
    this.unions.clear();
    for (const u of this.users.values()) if (holdsRole(u, role.id)) this.recomputeUser(u);
  }

  /** Drops a role and, as `DELETE …?force=true` does, every membership and binding that uses it. */
  removeRole(roleId: number): void {
    this.roles.delete(roleId);
    this.unions.clear();
    for (const u of this.users.values()) {
      if (!holdsRole(u, roleId)) continue;
      for (const [orgId, r] of u.organizationMemberships) if (r === roleId) u.organizationMemberships.delete(orgId);
      for (const [spaceId, r] of u.spaceMemberships) if (r === roleId) u.spaceMemberships.delete(spaceId);
      for (const byId of [...u.spaceBindings.values(), ...u.projectBindings.values()]) {
        for (const [bindingId, r] of byId) if (r === roleId) this.detachBinding(bindingId);
      }
      this.recomputeUser(u);
    }
  }

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

  upsertOrganizationMembership(membership: OrganizationMembershipInput): void {
    const u = this.users.get(membership.userId);
    if (u === undefined) return;
    u.organizationMemberships.set(membership.organizationId, membership.roleId);
    this.recomputeOrganizationCell(u, membership.organizationId);
  }

  /**
   * Removes the user from the organization and, as the lifecycle rules demand, from every space of it, with
   * its role bindings on those spaces and their projects.
   */
  removeOrganizationMembership(userId: number, organizationId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    u.organizationMemberships.delete(organizationId);
    this.recomputeOrganizationCell(u, organizationId);
    const o = this.organizations.get(organizationId);
    if (o === undefined) return;
    for (const spaceId of o.spaces) {
      u.spaceMemberships.delete(spaceId);
      for (const bindingId of [...(u.spaceBindings.get(spaceId)?.keys() ?? [])]) this.detachBinding(bindingId);
      this.recomputeSpaceCell(u, spaceId);
      for (const projectId of this.spaces.get(spaceId)!.projects) {
        for (const bindingId of [...(u.projectBindings.get(projectId)?.keys() ?? [])]) this.detachBinding(bindingId);
        this.recomputeProjectCell(u, projectId);
      }
    }
  }

  upsertSpaceMembership(membership: SpaceMembershipInput): void {
    const u = this.users.get(membership.userId);
    if (u === undefined) return;
    u.spaceMemberships.set(membership.spaceId, membership.roleId);
    this.recomputeSpaceCell(u, membership.spaceId);
  }

  removeSpaceMembership(userId: number, spaceId: number): void {
    const u = this.users.get(userId);
    if (u === undefined) return;
    u.spaceMemberships.delete(spaceId);
    this.recomputeSpaceCell(u, spaceId);
  }

  /** Adds a role binding, or replaces the one with the same id. */
  upsertBinding(binding: RoleBindingInput): void {
    this.detachBinding(binding.id);
    this.attachBinding(binding);
    const u = this.users.get(binding.userId);
    if (u !== undefined) this.recomputeBindingCell(u, binding);
  }

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

  /** Records a binding as a source of its user (no cell update); bindings of unknown users are ignored. */
  private attachBinding(b: RoleBindingInput): void {
    const u = this.users.get(b.userId);
    if (u === undefined) return;
    const bySource = b.resourceType === 'SPACE' ? u.spaceBindings : u.projectBindings;
    let byId = bySource.get(b.resourceId);
    if (byId === undefined) bySource.set(b.resourceId, (byId = new Map()));
    byId.set(b.id, b.roleId);
    this.bindings.set(b.id, b);
  }

  /** Forgets a binding and updates the one cell it fed. */
  private detachBinding(bindingId: number): void {
    const b = this.bindings.get(bindingId);
    if (b === undefined) return;
    this.bindings.delete(bindingId);
    const u = this.users.get(b.userId);
    if (u === undefined) return;
    const bySource = b.resourceType === 'SPACE' ? u.spaceBindings : u.projectBindings;
    const byId = bySource.get(b.resourceId);
    byId?.delete(bindingId);
    if (byId?.size === 0) bySource.delete(b.resourceId);
    this.recomputeBindingCell(u, b);
  }

  private recomputeBindingCell(u: UserEntry, b: RoleBindingInput): void {
    if (b.resourceType === 'SPACE') this.recomputeSpaceCell(u, b.resourceId);
    else this.recomputeProjectCell(u, b.resourceId);
  }

  /** Drops every source and cell of every user on the given resources (they are gone). */
  private purge(organizationIds: ReadonlySet<number>, spaceIds: ReadonlySet<number>, projectIds: ReadonlySet<number>): void {
    for (const u of this.users.values()) {
      for (const orgId of u.organizationMemberships.keys()) {
        if (!organizationIds.has(orgId)) continue;
        u.organizationMemberships.delete(orgId);
        u.organizationCells.delete(orgId);
        u.publicSpaceCells.delete(orgId);
      }
      for (const spaceId of u.spaceMemberships.keys()) if (spaceIds.has(spaceId)) u.spaceMemberships.delete(spaceId);
      for (const [spaceId, byId] of u.spaceBindings) {
        if (!spaceIds.has(spaceId)) continue;
        for (const bindingId of byId.keys()) this.bindings.delete(bindingId);
        u.spaceBindings.delete(spaceId);
      }
      for (const spaceId of u.spaceCells.keys()) if (spaceIds.has(spaceId)) u.spaceCells.delete(spaceId);
      for (const [projectId, byId] of u.projectBindings) {
        if (!projectIds.has(projectId)) continue;
        for (const bindingId of byId.keys()) this.bindings.delete(bindingId);
        u.projectBindings.delete(projectId);
        u.projectCells.delete(projectId);
      }
    }
  }

  private recomputeUser(u: UserEntry): void {
    u.organizationCells.clear();
    u.publicSpaceCells.clear();
    u.spaceCells.clear();
    u.projectCells.clear();
    for (const orgId of u.organizationMemberships.keys()) this.recomputeOrganizationCell(u, orgId);
    for (const spaceId of new Set([...u.spaceMemberships.keys(), ...u.spaceBindings.keys()])) this.recomputeSpaceCell(u, spaceId);
    for (const projectId of u.projectBindings.keys()) this.recomputeProjectCell(u, projectId);
  }

  private recomputeOrganizationCell(u: UserEntry, orgId: number): void {
    const roleId = u.organizationMemberships.get(orgId);
    if (roleId === undefined) {
      u.organizationCells.delete(orgId);
      u.publicSpaceCells.delete(orgId);
      return;
    }
    const role = this.roles.get(roleId);
    const bits = role?.organizationBits ?? EMPTY_BITS;
    u.organizationCells.set(orgId, u.role === 'MEMBER' ? this.union(`m${roleId}`, [bits, ACCOUNT_MEMBER_ORGANIZATION_BITS]) : bits);
    if (role?.publicSpaceBits === undefined) u.publicSpaceCells.delete(orgId);
    else u.publicSpaceCells.set(orgId, role.publicSpaceBits);
  }

  private recomputeSpaceCell(u: UserEntry, spaceId: number): void {
    const roleIds: number[] = [];
    const membershipRole = u.spaceMemberships.get(spaceId);
    if (membershipRole !== undefined) roleIds.push(membershipRole);
    for (const roleId of u.spaceBindings.get(spaceId)?.values() ?? []) roleIds.push(roleId);
    this.setRoleCell(u.spaceCells, spaceId, roleIds);
  }

  private recomputeProjectCell(u: UserEntry, projectId: number): void {
    this.setRoleCell(u.projectCells, projectId, [...(u.projectBindings.get(projectId)?.values() ?? [])]);
  }

  private setRoleCell(cells: Map<number, PermissionBits>, id: number, roleIds: number[]): void {
    if (roleIds.length === 0) {
      cells.delete(id);
      return;
    }
    if (roleIds.length === 1) {
      cells.set(id, this.roles.get(roleIds[0]!)?.bits ?? EMPTY_BITS);
      return;
    }
    const unique = [...new Set(roleIds)].sort((a, b) => a - b);
    cells.set(id, this.union(unique.join(','), unique.map((r) => this.roles.get(r)?.bits ?? EMPTY_BITS)));
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
  return {
    id: u.id,
    role: u.role,
    active: u.active,
    isBot: u.isBot,
    organizationMemberships: new Map(),
    spaceMemberships: new Map(),
    spaceBindings: new Map(),
    projectBindings: new Map(),
    organizationCells: new Map(),
    publicSpaceCells: new Map(),
    spaceCells: new Map(),
    projectCells: new Map(),
  };
}

function holdsRole(u: UserEntry, roleId: number): boolean {
  for (const r of u.organizationMemberships.values()) if (r === roleId) return true;
  for (const r of u.spaceMemberships.values()) if (r === roleId) return true;
  for (const byId of [...u.spaceBindings.values(), ...u.projectBindings.values()]) {
    for (const r of byId.values()) if (r === roleId) return true;
  }
  return false;
}
