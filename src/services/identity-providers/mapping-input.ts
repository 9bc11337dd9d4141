import type { PredefinedRoleKey } from '../../domain/predefined-roles.js';
import type { BuiltInRole, EvaluationContext, MappingDefaults, MappingRule, RoleChoice } from '../../role-mapping/index.js';
import type { AccountStore } from '../../store/account-store.js';
import type { IdentityProviderRow, RoleMappingRow } from '../../store/schema.js';

/** A stored rule's JSON columns (row ids). */
export interface StoredOrgRole { org_id: number; role_id: number }
export interface StoredSpaceRole { space_id: number; role_id: number }
export interface StoredProjectRole { project_id: number; role_id: number }

/** The rule's columns, parsed. */
export function parseMappingRow(row: RoleMappingRow) {
  return {
    attributes: JSON.parse(row.attributes_map) as Record<string, string>,
    isAccountAdmin: row.is_account_admin === 1,
    orgRole: row.org_role === null ? null : JSON.parse(row.org_role) as StoredOrgRole,
    spaceRoles: JSON.parse(row.space_roles) as StoredSpaceRole[],
    projectRoles: JSON.parse(row.project_roles) as StoredProjectRole[],
  };
}

/**
 * What the role-mapping engine needs to evaluate a provider's mappings, read through the account's store (the
 * database or the caller's transaction): the rules in configuration order and the context (defaults when the
 * provider allows default logins, the account's predefined role ids, and the organization of every space the rules
 * or defaults name). A grant naming an organization, space, project or role deleted since is left out.
 *
 * @example
 * const { rules, context } = await loadMappingInput(forAccount(trx, idp.account_id), idp);
 * const desired = evaluateMappings(rules, attributes, context);
 */
export async function loadMappingInput(scope: AccountStore, idp: IdentityProviderRow): Promise<{ rules: MappingRule[]; context: EvaluationContext }> {
  const rows = await scope.roleMappings.all(idp.id);
  const predefined = await scope.roles.list({ predefined: true, limit: 100 });
  const builtInOf = new Map<number, BuiltInRole>(predefined.map((r) => [r.id, r.predefined_key as PredefinedRoleKey]));
  const builtInRoleIds = Object.fromEntries(predefined.map((r) => [r.predefined_key, r.id])) as Record<BuiltInRole, number>;
  const choice = (roleId: number): RoleChoice => {
    const builtIn = builtInOf.get(roleId);
    return builtIn === undefined ? { roleId } : { roleId, builtIn };
  };

  const parsed = rows.map((row) => ({ row, rule: parseMappingRow(row) }));
  const useDefaults = idp.allow_default_login === 1 && idp.default_org_id !== null && idp.default_org_role_id !== null;
  const spaceIds = new Set<number>(parsed.flatMap(({ rule }) => rule.spaceRoles.map((s) => s.space_id)));
  if (useDefaults && idp.default_space_id !== null) spaceIds.add(idp.default_space_id);
  const orgIds = new Set<number>(parsed.flatMap(({ rule }) => (rule.orgRole ? [rule.orgRole.org_id] : [])));
  const projectIds = new Set<number>(parsed.flatMap(({ rule }) => rule.projectRoles.map((p) => p.project_id)));
  const spaces = spaceIds.size === 0 ? [] : await scope.spaces.list({ ids: [...spaceIds], limit: spaceIds.size });
  const organizationBySpace = new Map(spaces.map((s) => [s.id, s.organization_id]));
  // A rule may name something deleted since it was written: its grant is left out rather than written dangling.
  const liveOrgs = new Set((orgIds.size === 0 ? [] : await scope.organizations.list({ ids: [...orgIds], limit: orgIds.size })).map((o) => o.id));
  const liveProjects = new Set((projectIds.size === 0 ? [] : await scope.projects.list({ ids: [...projectIds], limit: projectIds.size })).map((p) => p.id));
  const customRoles = new Set((await scope.roles.list({ predefined: false, limit: 100_000 })).map((r) => r.id));
  const liveRole = (roleId: number) => builtInOf.has(roleId) || customRoles.has(roleId);

  const rules: MappingRule[] = parsed.map(({ row, rule }) => {
    const orgBuiltIn = rule.orgRole && liveOrgs.has(rule.orgRole.org_id) ? builtInOf.get(rule.orgRole.role_id) : undefined;
    return {
      position: row.position,
      attributes: rule.attributes,
      isAccountAdmin: rule.isAccountAdmin,
      orgRole: rule.orgRole && orgBuiltIn ? { orgId: rule.orgRole.org_id, role: { roleId: rule.orgRole.role_id, builtIn: orgBuiltIn } } : undefined,
      spaceRoles: rule.spaceRoles.filter((s) => liveRole(s.role_id)).map((s) => ({ spaceId: s.space_id, role: choice(s.role_id) })),
      // Project roles are custom roles only (the admin API refuses a predefined one).
      projectRoles: rule.projectRoles.filter((p) => customRoles.has(p.role_id) && liveProjects.has(p.project_id))
        .map((p) => ({ projectId: p.project_id, roleId: p.role_id })),
    };
  });

  let defaults: MappingDefaults | undefined;
  const defaultOrgBuiltIn = idp.default_org_role_id === null ? undefined : builtInOf.get(idp.default_org_role_id);
  if (useDefaults && defaultOrgBuiltIn !== undefined) {
    defaults = {
      org: { orgId: idp.default_org_id!, role: { roleId: idp.default_org_role_id!, builtIn: defaultOrgBuiltIn } },
      space: idp.default_space_id !== null && idp.default_space_role_id !== null
        ? { spaceId: idp.default_space_id, role: choice(idp.default_space_role_id) }
        : undefined,
    };
  }

  return {
    rules,
    context: { defaults, builtInRoleIds, organizationOf: (spaceId) => organizationBySpace.get(spaceId) },
  };
}
