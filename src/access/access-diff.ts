import type { Permission } from '../domain/permissions.js';
import { effectiveBits } from './check.js';
import { emptyBits, toPermissions, type PermissionBits } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import {
  type AccessSnapshot, cellBits, ORGANIZATION_CELL, PROJECT_CELL, PUBLIC_SPACES_CELL, SPACE_CELL, type UserEntry,
} from './snapshot.js';
import type { WorldInput } from './world.js';

/**
 * What one principal gains and loses on one resource between two snapshots of the same account.
 *
 * @example
 * // { userId: 4, isBot: false, resource: { type: 'PROJECT', id: 7 }, gained: [], lost: ['PROJECT_SPAN_READ'] }
 */
export interface AccessDelta {
  userId: number;
  isBot: boolean;
  resource: ResourceRef;
  /** The resource's name (as after the change, else as before it), when the snapshot knows it. */
  resourceName: string | undefined;
  /** In catalogue order. */
  gained: Permission[];
  lost: Permission[];
}

/** The resource type of each kind of cell entry (see cellKey in snapshot.ts). */
const CELL_RESOURCE = ['ORGANIZATION', 'SPACE', 'PROJECT', 'ORGANIZATION', 'ORGANIZATION', 'SPACE'] as const;
const TYPE_RANK = { ORGANIZATION: 1, SPACE: 2, PROJECT: 3 } as const;

/**
 * Every change of effective permissions between `before` and `after` (two snapshots of one account, e.g. the
 * account before and after a change), by user id, then account, organizations, spaces and projects by id. A
 * resource that exists on one side only counts as holding nothing on the other (a deleted user loses everything
 * it held, a new project's inherited grants are gained). While every resource on both sides keeps its parent,
 * privacy and restriction, only users whose grants changed are compared, on the resources beneath the grants that
 * changed (a role's new permissions change the grants of whoever holds it), and each user also on the resources
 * created or deleted that it reached. When a resource on both sides moved, changed privacy or restriction, every
 * user is compared, everywhere. Past `maxDeltas` deltas it stops and throws AccessDiffTooLarge: the difference of
 * deleting a large organization can be millions of them.
 *
 * @example
 * for (const d of accessDiff(before, after)) console.log(d.userId, d.resource, d.gained, d.lost);
 */
export function accessDiff(before: AccessSnapshot, after: AccessSnapshot, maxDeltas = Infinity): AccessDelta[] {
  const kept = keptHierarchy(before, after);
  const ids = [...new Set([...before.users.keys(), ...after.users.keys()])].sort((x, y) => x - y);
  const out: AccessDelta[] = [];
  for (const id of ids) {
    const was = before.users.get(id);
    const now = after.users.get(id);
    let resources: readonly ResourceRef[];
    if (kept === undefined) {
      resources = reachOf(before, was, after, now);
    } else {
      const lost = was === undefined ? [] : reachAmong(kept.deleted, was);
      const gained = now === undefined ? [] : reachAmong(kept.created, now);
      const changed = sameEntry(was, now) ? [] : changedReach(after, was, now);
      if (changed.length + lost.length + gained.length === 0) continue;
      resources = lost.length + gained.length === 0 ? changed : union([...changed, ...lost, ...gained]);
    }
    const held = resources.map((r) => effectiveBits(before, id, r));
    const holds = resources.map((r) => effectiveBits(after, id, r));
    pushDeltas(out, id, (now ?? was)!.isBot, resources, held, holds, (r) => nameOf(after, r) ?? nameOf(before, r));
    if (out.length > maxDeltas) throw new AccessDiffTooLarge(maxDeltas);
  }
  return out;
}

/** Thrown by accessDiff when the difference holds more deltas than it was allowed. */
export class AccessDiffTooLarge extends Error {
  constructor(readonly maxDeltas: number) {
    super(`the difference holds more than ${maxDeltas} deltas`);
    this.name = 'AccessDiffTooLarge';
  }
}

/** The rows of a change confined to some users' grants and some projects' restrictions, on one side of it. */
export interface ConfinedRows extends Pick<WorldInput, 'users' | 'organizationMemberships' | 'spaceMemberships' | 'roleBindings'> {
  /** Each confined project: restricted or not. */
  restricted: ReadonlyMap<number, boolean>;
}

/**
 * `accessDiff` of the account before and after a change that moved nothing but the grants (account role, status,
 * memberships, bindings) of `userIds` and the restrictions of some projects — a role binding, a membership, a
 * restriction, an account role — given as those rows before and after it. Everything else (the other users, the
 * hierarchy, the roles) is read from `base`, the account's snapshot, which is neither copied nor changed: the cost
 * is that of the rows, the resources beneath the grants that moved, and on a project whose restriction moves, the
 * users who may reach it. Grants expired at `now` (ms) do not count.
 *
 * @example
 * const deltas = confinedAccessDiff(snapshot, [4], rowsBefore, rowsAfter, Date.now());
 */
export function confinedAccessDiff(
  base: AccessSnapshot, userIds: readonly number[], before: ConfinedRows, after: ConfinedRows, now: number,
): AccessDelta[] {
  const was = base.sibling(before, now);
  const is = base.sibling(after, now);
  const moved = [...new Set([...before.restricted.keys(), ...after.restricted.keys()])]
    .filter((id) => base.projects.has(id) && (before.restricted.get(id) ?? base.isRestricted(id)) !== (after.restricted.get(id) ?? base.isRestricted(id)))
    .sort((x, y) => x - y);
  const movedRefs = moved.map((id): ResourceRef => ({ type: 'PROJECT', id }));
  const confined = new Set(userIds);
  /** Per user to compare: the snapshots its entry is read from (before, after) and the resources. */
  const plan: { id: number; sides: [AccessSnapshot, AccessSnapshot]; resources: ResourceRef[] }[] = [];
  for (const id of confined) {
    const a = was.users.get(id);
    const b = is.users.get(id);
    if (a === undefined && b === undefined) continue;
    const resources = sameEntry(a, b) ? [] : changedReach(base, a, b);
    const extra = movedRefs.filter((m) => !resources.some((r) => orderOf(r) === orderOf(m)));
    plan.push({ id, sides: [was, is], resources: extra.length === 0 ? resources : sortRefs([...resources, ...extra]) });
  }
  if (moved.length > 0) {
    for (const u of base.users.values()) {
      if (!confined.has(u.id) && moved.some((projectId) => mayReach(base, u, projectId))) plan.push({ id: u.id, sides: [base, base], resources: movedRefs });
    }
  }
  plan.sort((x, y) => x.id - y.id);
  const bitsOn = (side: 0 | 1) => plan.map(({ id, sides, resources }) => resources.map((r) => effectiveBits(sides[side], id, r)));
  const held = base.withRestrictions(before.restricted, () => bitsOn(0));
  const holds = base.withRestrictions(after.restricted, () => bitsOn(1));
  const out: AccessDelta[] = [];
  plan.forEach(({ id, sides, resources }, k) => {
    const entry = sides[1].users.get(id) ?? sides[0].users.get(id)!;
    pushDeltas(out, id, entry.isBot, resources, held[k]!, holds[k]!, (r) => nameOf(base, r));
  });
  return out;
}

function pushDeltas(
  out: AccessDelta[], userId: number, isBot: boolean, resources: readonly ResourceRef[], held: readonly PermissionBits[], holds: readonly PermissionBits[],
  name: (r: ResourceRef) => string | undefined,
): void {
  resources.forEach((resource, k) => {
    const gained = toPermissions(minus(holds[k]!, held[k]!));
    const lost = toPermissions(minus(held[k]!, holds[k]!));
    if (gained.length + lost.length > 0) out.push({ userId, isBot, resource, resourceName: name(resource), gained, lost });
  });
}

/** May the user hold anything on the project (through it, its space or organization, or as an account ADMIN)? */
function mayReach(s: AccessSnapshot, u: UserEntry, projectId: number): boolean {
  if (u.role === 'ADMIN') return true;
  const spaceId = s.projects.get(projectId)!.spaceId;
  const organizationId = s.spaces.get(spaceId)!.organizationId;
  return cellBits(u, PROJECT_CELL, projectId) !== undefined || cellBits(u, SPACE_CELL, spaceId) !== undefined
    || cellBits(u, ORGANIZATION_CELL, organizationId) !== undefined || cellBits(u, PUBLIC_SPACES_CELL, organizationId) !== undefined;
}

/**
 * The resources where a user's effective permissions may differ between two entries on one hierarchy: everywhere
 * either may reach when the account role or status differs, else the resources of the cells that differ and
 * what is beneath them (a resource's permissions come from its own cells and its ancestors').
 */
function changedReach(s: AccessSnapshot, was: UserEntry | undefined, now: UserEntry | undefined): ResourceRef[] {
  if (was === undefined || now === undefined || was.role !== now.role || was.active !== now.active) return reachOf(s, was, s, now);
  const keys = new Set<string>();
  for (const [a, b] of [[was, now], [now, was]] as const) {
    for (const [key, value] of a.cells.entries()) {
      if (!sameCell(value, b.cells.get(key))) addReach(s, key, keys);
    }
  }
  return sortRefs([...keys].map(toRef));
}

/** The resources where either side may grant the user something, in order. */
function reachOf(before: AccessSnapshot, was: UserEntry | undefined, after: AccessSnapshot, now: UserEntry | undefined): ResourceRef[] {
  const keys = new Set<string>();
  for (const [s, u] of [[before, was], [after, now]] as const) {
    if (u === undefined) continue;
    if (u.role === 'ADMIN') {
      for (const id of s.organizations.keys()) keys.add(`ORGANIZATION:${id}`);
      for (const id of s.spaces.keys()) keys.add(`SPACE:${id}`);
      for (const id of s.projects.keys()) keys.add(`PROJECT:${id}`);
      continue;
    }
    for (const key of u.cells.keys()) addReach(s, key, keys);
  }
  return [{ type: 'ACCOUNT' }, ...sortRefs([...keys].map(toRef))];
}

/** Adds the resource of a cell's entry and, as a grant there reaches them, what is beneath it. */
function addReach(s: AccessSnapshot, key: number, keys: Set<string>): void {
  const kind = key % 8;
  const id = (key - kind) / 8;
  const type = CELL_RESOURCE[kind]!;
  keys.add(`${type}:${id}`);
  const spaceIds = type === 'ORGANIZATION' ? s.organizations.get(id)?.spaces ?? [] : type === 'SPACE' ? [id] : [];
  for (const spaceId of spaceIds) {
    keys.add(`SPACE:${spaceId}`);
    for (const projectId of s.spaces.get(spaceId)?.projects ?? []) keys.add(`PROJECT:${projectId}`);
  }
}

/** The account first, then organizations, spaces and projects, each by id. */
function sortRefs<T extends ResourceRef>(refs: T[]): T[] {
  return refs.sort((x, y) => orderOf(x) - orderOf(y));
}

const orderOf = (r: ResourceRef) => (r.type === 'ACCOUNT' ? 0 : TYPE_RANK[r.type] * 2 ** 40 + r.id);

function nameOf(s: AccessSnapshot, r: ResourceRef): string | undefined {
  switch (r.type) {
    case 'ACCOUNT': return undefined;
    case 'ORGANIZATION': return s.organizations.get(r.id)?.name;
    case 'SPACE': return s.spaces.get(r.id)?.name;
    case 'PROJECT': return s.projects.get(r.id)?.name;
  }
}

type Beneath = Exclude<ResourceRef, { type: 'ACCOUNT' }>;

function toRef(key: string): Beneath {
  const [type, id] = key.split(':') as [Beneath['type'], string];
  return { type, id: Number(id) };
}

function minus(a: PermissionBits, b: PermissionBits): PermissionBits {
  const out = emptyBits();
  for (let w = 0; w < out.length; w++) out[w] = a[w]! & ~b[w]!;
  return out;
}

function sameBits(a: PermissionBits | undefined, b: PermissionBits | undefined): boolean {
  return a !== undefined && b !== undefined && a.every((word, w) => word === b[w]);
}

/** Same account role, status and cells (bits, and each membership's role). */
function sameEntry(a: UserEntry | undefined, b: UserEntry | undefined): boolean {
  if (a === undefined || b === undefined || a.role !== b.role || a.active !== b.active || a.cells.size !== b.cells.size) return false;
  for (const [key, value] of a.cells.entries()) if (!sameCell(value, b.cells.get(key))) return false;
  return true;
}

function sameCell(a: PermissionBits | number, b: PermissionBits | number | undefined): boolean {
  return a === b || (typeof a !== 'number' && typeof b !== 'number' && sameBits(a, b));
}

/** The resources on one side only, in order, and those beneath each resource (itself included) by orderOf: a cell there reached them. */
interface OneSided {
  all: readonly Beneath[];
  beneath: ReadonlyMap<number, readonly Beneath[]>;
}

/**
 * When every organization, space and project on both sides keeps its parent, privacy and restriction (some may be
 * created or deleted, roles may grant other permissions): those deleted and those created. A resource on both
 * sides then differs for a user only where its grants differ. Else undefined.
 */
function keptHierarchy(before: AccessSnapshot, after: AccessSnapshot): { deleted: OneSided; created: OneSided } | undefined {
  for (const [id, sp] of after.spaces) {
    const was = before.spaces.get(id);
    if (was !== undefined && (was.organizationId !== sp.organizationId || was.isPrivate !== sp.isPrivate)) return undefined;
  }
  for (const [id, p] of after.projects) {
    const was = before.projects.get(id);
    if (was !== undefined && (was.spaceId !== p.spaceId || was.restricted !== p.restricted)) return undefined;
  }
  return { deleted: onlyIn(before, after), created: onlyIn(after, before) };
}

/** The resources of `side` that `other` lacks, each listed beneath itself and its ancestors. */
function onlyIn(side: AccessSnapshot, other: AccessSnapshot): OneSided {
  const all: Beneath[] = [];
  const beneath = new Map<number, Beneath[]>();
  const under = (ancestors: readonly Beneath[], ref: Beneath) => {
    all.push(ref);
    for (const a of ancestors) {
      const list = beneath.get(orderOf(a));
      if (list) list.push(ref);
      else beneath.set(orderOf(a), [ref]);
    }
  };
  for (const id of side.organizations.keys()) {
    if (!other.organizations.has(id)) under([{ type: 'ORGANIZATION', id }], { type: 'ORGANIZATION', id });
  }
  for (const [id, sp] of side.spaces) {
    if (!other.spaces.has(id)) under([{ type: 'ORGANIZATION', id: sp.organizationId }, { type: 'SPACE', id }], { type: 'SPACE', id });
  }
  for (const [id, p] of side.projects) {
    if (other.projects.has(id)) continue;
    const organizationId = side.spaces.get(p.spaceId)!.organizationId;
    under([{ type: 'ORGANIZATION', id: organizationId }, { type: 'SPACE', id: p.spaceId }, { type: 'PROJECT', id }], { type: 'PROJECT', id });
  }
  return { all: sortRefs(all), beneath };
}

/** The resources among `some` the user's entry reaches on their side (an account ADMIN: all of them), in order. */
function reachAmong(some: OneSided, u: UserEntry): readonly ResourceRef[] {
  if (some.all.length === 0) return [];
  if (u.role === 'ADMIN') return some.all;
  const found = new Map<number, Beneath>();
  for (const key of u.cells.keys()) {
    const kind = key % 8;
    for (const ref of some.beneath.get(orderOf({ type: CELL_RESOURCE[kind]!, id: (key - kind) / 8 })) ?? []) found.set(orderOf(ref), ref);
  }
  return sortRefs([...found.values()]);
}

/** The resources, each once, in order. */
function union(refs: readonly ResourceRef[]): ResourceRef[] {
  return sortRefs([...new Map(refs.map((r) => [orderOf(r), r])).values()]);
}
