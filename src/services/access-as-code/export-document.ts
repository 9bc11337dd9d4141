import type { AccountState, GrantState } from './account-state.js';
import type { AccessDocument, DocGrant } from './document.js';

/** Code-unit order: the same on every machine and locale, so that an export is byte-for-byte stable. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The account's access document: custom roles, then organizations with their members and spaces, spaces with their
 * members, bindings and projects; each list sorted by name (grants by user email). Defaults are left out (an empty
 * description, `private: false`, `restricted: false`, an empty list), so that what is written is what matters.
 */
export function exportDocument(state: AccountState): AccessDocument {
  const grants = (map: Map<number, GrantState>): DocGrant[] | undefined => {
    const list = [...map.values()].map((g) => ({
      user: state.usersById.get(g.userId)!.email,
      role: state.rolesById.get(g.roleId)!.name,
      ...(g.expiresAt === null ? {} : { expires_at: g.expiresAt }),
      ...(g.reason === null ? {} : { reason: g.reason }),
    }));
    return list.length === 0 ? undefined : list.sort((a, b) => byText(a.user.toLowerCase(), b.user.toLowerCase()) || byText(a.user, b.user));
  };
  const sorted = <T extends { name: string }>(values: Iterable<T>): T[] => [...values].sort((a, b) => byText(a.name, b.name));
  const nonEmpty = <T>(list: T[]): T[] | undefined => list.length === 0 ? undefined : list;
  const roles = sorted([...state.roles.values()].filter((r) => r.predefinedKey === null)).map((r) => ({
    name: r.name, ...(r.description ? { description: r.description } : {}), permissions: r.permissions,
  }));
  const organizations = sorted(state.organizations.values()).map((o) => withoutUndefined({
    name: o.name,
    description: o.description || undefined,
    members: grants(o.members),
    spaces: nonEmpty(sorted(o.spaces.values()).map((s) => withoutUndefined({
      name: s.name,
      description: s.description || undefined,
      private: s.isPrivate || undefined,
      members: grants(s.members),
      role_bindings: grants(s.bindings),
      projects: nonEmpty(sorted(s.projects.values()).map((p) => withoutUndefined({
        name: p.name, restricted: p.restricted || undefined, role_bindings: grants(p.bindings),
      }))),
    }))),
  }));
  return withoutUndefined({ version: 1 as const, roles: nonEmpty(roles), organizations: nonEmpty(organizations) });
}

/** The object without its undefined fields (they would be written as `null`). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
