import type { BuiltInRole, MappingRule, RoleChoice } from '../../src/role-mapping/index.js';

/** A small account: organizations 1 and 2; spaces 10, 11 in 1 and 20 in 2; predefined roles 1–4; custom roles 11–13. */
export const BUILT_IN_ROLE_IDS: Record<BuiltInRole, number> = { ADMIN: 1, MEMBER: 2, READ_ONLY: 3, ANNOTATOR: 4 };
export const SPACE_ORGANIZATION: ReadonlyMap<number, number> = new Map([[10, 1], [11, 1], [20, 2]]);
export const organizationOf = (spaceId: number) => SPACE_ORGANIZATION.get(spaceId);
export const context = { builtInRoleIds: BUILT_IN_ROLE_IDS, organizationOf };

export const builtIn = (name: BuiltInRole): RoleChoice & { builtIn: BuiltInRole } => ({ roleId: BUILT_IN_ROLE_IDS[name], builtIn: name });
export const custom = (roleId: number): RoleChoice => ({ roleId });

export function rule(position: number, attributes: Record<string, string>, grants: Partial<Omit<MappingRule, 'position' | 'attributes'>>): MappingRule {
  return { position, attributes, isAccountAdmin: false, spaceRoles: [], projectRoles: [], ...grants };
}
