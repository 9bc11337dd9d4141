import { PERMISSIONS, type Permission } from '../domain/permissions.js';

/**
 * Permission sets as fixed-width bitsets over the catalogue's indexes, so that a decision is one word test.
 * One bit past the catalogue marks "the predefined ADMIN role is held here": the management permissions of a
 * restricted project still flow from such a grant (access-model.md, Resource restrictions).
 */
export type PermissionBits = Uint32Array;

/** Index of the internal "predefined ADMIN held here" bit; never a permission. */
export const ADMIN_MARK = PERMISSIONS.length;
const WORDS = (ADMIN_MARK >>> 5) + 1;

const INDEX: ReadonlyMap<string, number> = new Map(PERMISSIONS.map((p, i) => [p, i]));

/** The catalogue index of a permission, or -1 for a string outside the catalogue. */
export function permissionIndex(permission: string): number {
  return INDEX.get(permission) ?? -1;
}

export function emptyBits(): PermissionBits {
  return new Uint32Array(WORDS);
}

export function bitsOf(permissions: Iterable<Permission>): PermissionBits {
  const bits = emptyBits();
  for (const p of permissions) setBit(bits, permissionIndex(p));
  return bits;
}

export function setBit(bits: PermissionBits, index: number): void {
  bits[index >>> 5]! |= 1 << (index & 31);
}

export function hasBit(bits: PermissionBits | undefined, index: number): boolean {
  return bits !== undefined && (bits[index >>> 5]! & (1 << (index & 31))) !== 0;
}

export function orInto(target: PermissionBits, source: PermissionBits | undefined): void {
  if (source === undefined) return;
  for (let w = 0; w < WORDS; w++) target[w]! |= source[w]!;
}

export function andBits(a: PermissionBits, b: PermissionBits): PermissionBits {
  const out = emptyBits();
  for (let w = 0; w < WORDS; w++) out[w] = a[w]! & b[w]!;
  return out;
}

/** The permissions of a bitset, in catalogue order (the ADMIN mark is not a permission and is left out). */
export function toPermissions(bits: PermissionBits): Permission[] {
  const out: Permission[] = [];
  for (let i = 0; i < ADMIN_MARK; i++) if (hasBit(bits, i)) out.push(PERMISSIONS[i]!);
  return out;
}

export function hasAnyPermission(bits: PermissionBits): boolean {
  for (let i = 0; i < ADMIN_MARK; i++) if (hasBit(bits, i)) return true;
  return false;
}

/** Every permission of the catalogue (what an account ADMIN holds). */
export const ALL_BITS: PermissionBits = bitsOf(PERMISSIONS);
export const EMPTY_BITS: PermissionBits = emptyBits();
