import type { Permission } from '../domain/permissions.js';
import { effectiveBits } from './check.js';
import type { CompiledRole } from './grant-rules.js';
import { emptyBits, toPermissions, type PermissionBits } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import type { AccessSnapshot, UserEntry } from './snapshot.js';

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
 * it held, a new project's inherited grants are gained). Only users whose grants changed are compared, unless
 * roles, the hierarchy or restrictions changed: then every user is.
 *
 * @example
 * for (const d of accessDiff(before, after)) console.log(d.userId, d.resource, d.gained, d.lost);
 */
export function accessDiff(before: AccessSnapshot, after: AccessSnapshot): AccessDelta[] {
  const everyone = !sameStructure(before, after);
  const ids = [...new Set([...before.users.keys(), ...after.users.keys()])].sort((x, y) => x - y);
  const out: AccessDelta[] = [];
  for (const id of ids) {
    const was = before.users.get(id);
    const now = after.users.get(id);
    if (!everyone && sameEntry(was, now)) continue;
    const isBot = (now ?? was)!.isBot;
    for (const resource of reachOf(before, was, after, now)) {
      const held = effectiveBits(before, id, resource);
      const holds = effectiveBits(after, id, resource);
      const gained = toPermissions(minus(holds, held));
      const lost = toPermissions(minus(held, holds));
      if (gained.length + lost.length > 0) out.push({ userId: id, isBot, resource, resourceName: nameOf(after, resource) ?? nameOf(before, resource), gained, lost });
    }
  }
  return out;
}

/** The resources where either side may grant the user something, in order. */
function reachOf(before: AccessSnapshot, was: UserEntry | undefined, after: AccessSnapshot, now: UserEntry | undefined): ResourceRef[] {
  const keys = new Set<string>();
  const add = (type: Exclude<ResourceRef['type'], 'ACCOUNT'>, id: number) => keys.add(`${type}:${id}`);
  for (const [s, u] of [[before, was], [after, now]] as const) {
    if (u === undefined) continue;
    if (u.role === 'ADMIN') {
      for (const id of s.organizations.keys()) add('ORGANIZATION', id);
      for (const id of s.spaces.keys()) add('SPACE', id);
      for (const id of s.projects.keys()) add('PROJECT', id);
      continue;
    }
    for (const key of u.cells.keys()) {
      const kind = key % 8;
      const id = (key - kind) / 8;
      const type = CELL_RESOURCE[kind]!;
      add(type, id);
      // A grant on an organization or a space reaches what is beneath it.
      const spaceIds = type === 'ORGANIZATION' ? s.organizations.get(id)?.spaces ?? [] : type === 'SPACE' ? [id] : [];
      for (const spaceId of spaceIds) {
        add('SPACE', spaceId);
        for (const projectId of s.spaces.get(spaceId)?.projects ?? []) add('PROJECT', projectId);
      }
    }
  }
  const beneath = [...keys].map(toRef).sort((x, y) => TYPE_RANK[x.type] - TYPE_RANK[y.type] || x.id - y.id);
  return [{ type: 'ACCOUNT' }, ...beneath];
}

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
  for (const [key, value] of a.cells) {
    const other = b.cells.get(key);
    if (value !== other && (typeof value === 'number' || typeof other === 'number' || !sameBits(value, other))) return false;
  }
  return true;
}

function sameRole(a: CompiledRole, b: CompiledRole | undefined): boolean {
  return b !== undefined && sameBits(a.bits, b.bits) && sameBits(a.organizationBits, b.organizationBits)
    && (a.publicSpaceBits === b.publicSpaceBits || sameBits(a.publicSpaceBits, b.publicSpaceBits));
}

/** Same roles (by what they grant), organizations, spaces (organization, privacy) and projects (space, restriction). */
function sameStructure(a: AccessSnapshot, b: AccessSnapshot): boolean {
  if (a.roles.size !== b.roles.size || a.organizations.size !== b.organizations.size
    || a.spaces.size !== b.spaces.size || a.projects.size !== b.projects.size) return false;
  for (const [id, role] of a.roles) if (!sameRole(role, b.roles.get(id))) return false;
  for (const id of a.organizations.keys()) if (!b.organizations.has(id)) return false;
  for (const [id, sp] of a.spaces) {
    const other = b.spaces.get(id);
    if (other?.organizationId !== sp.organizationId || other.isPrivate !== sp.isPrivate) return false;
  }
  for (const [id, p] of a.projects) {
    const other = b.projects.get(id);
    if (other?.spaceId !== p.spaceId || other.restricted !== p.restricted) return false;
  }
  return true;
}
