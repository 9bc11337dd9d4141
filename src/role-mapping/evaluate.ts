import type { DesiredGrant, DesiredGrants, GrantKind, GrantOrigin } from './desired-grants.js';
import { PREDEFINED_ROLE_KEYS } from '../domain/predefined-roles.js';
import type { AttributeMap, BuiltInRole, MappingDefaults, MappingRule, RoleChoice } from './mapping-rule.js';

export interface EvaluationContext {
  /** Used when no rule matches; undefined when the provider does not allow default logins. */
  defaults?: MappingDefaults | undefined;
  /** The account's predefined role ids (a space membership implies READ_ONLY on its organization). */
  builtInRoleIds: Readonly<Record<BuiltInRole, number>>;
  /** The organization a space belongs to; undefined for a space that no longer exists (its grants are left out). */
  organizationOf(spaceId: number): number | undefined;
}

/** True when the user's attributes hold every value the rule asks for (`{}` matches everyone). */
export function ruleMatches(rule: Pick<MappingRule, 'attributes'>, attributes: AttributeMap): boolean {
  return matchesIndexed(rule, indexAttributes(attributes));
}

/** Each attribute's values as a set: a user in many groups is matched against many rules. */
function indexAttributes(attributes: AttributeMap): Map<string, Set<string>> {
  return new Map(Object.entries(attributes).map(([name, values]) => [name, new Set(values)]));
}

function matchesIndexed(rule: Pick<MappingRule, 'attributes'>, attributes: Map<string, Set<string>>): boolean {
  for (const name in rule.attributes) {
    if (!attributes.get(name)?.has(rule.attributes[name]!)) return false;
  }
  return true;
}

/** PREDEFINED_ROLE_KEYS lists the roles most permissive first: the order resolution compares them in. */
const rank = (role: BuiltInRole): number => PREDEFINED_ROLE_KEYS.indexOf(role);

const KIND_ORDER: readonly GrantKind[] = ['ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING'];

/**
 * The grants an identity provider's role mappings give a user with these attributes, and the rule behind each.
 * Over the matching rules, in configuration order:
 * - custom space roles and project roles: the first matching rule for each resource wins;
 * - built-in space roles and organization roles: the most permissive (ADMIN > MEMBER > READ_ONLY > ANNOTATOR),
 *   the earlier rule on a tie;
 * - a space membership whose organization no rule gives a role brings READ_ONLY on that organization;
 * - account admin when any matching rule says so.
 * No rule matches: the defaults, when there are any. Pure: the same input always gives the same output.
 *
 * @example
 * const desired = evaluateMappings(rules, { group: ['team-ml'] }, { builtInRoleIds, organizationOf });
 * desired.grants; // [{ kind: 'ORGANIZATION_MEMBERSHIP', resourceId: 1, roleId: 3, builtIn: 'MEMBER', origin: { kind: 'rule', position: 2 } }, …]
 */
export function evaluateMappings(rules: readonly MappingRule[], attributes: AttributeMap, context: EvaluationContext): DesiredGrants {
  const indexed = indexAttributes(attributes);
  const matching = rules.filter((rule) => matchesIndexed(rule, indexed)).sort((a, b) => a.position - b.position);
  const grants = new Map<string, DesiredGrant>();
  const key = (kind: GrantKind, id: number) => `${kind}:${id}`;
  const offerBuiltIn = (kind: GrantKind, resourceId: number, role: RoleChoice & { builtIn: BuiltInRole }, origin: GrantOrigin) => {
    const held = grants.get(key(kind, resourceId));
    if (held === undefined || rank(role.builtIn) < rank(held.builtIn!)) {
      grants.set(key(kind, resourceId), { kind, resourceId, roleId: role.roleId, builtIn: role.builtIn, origin });
    }
  };
  const offerFirst = (kind: GrantKind, resourceId: number, roleId: number, origin: GrantOrigin) => {
    if (!grants.has(key(kind, resourceId))) grants.set(key(kind, resourceId), { kind, resourceId, roleId, origin });
  };
  const offerSpaceRole = (spaceId: number, role: RoleChoice, origin: GrantOrigin) => {
    if (context.organizationOf(spaceId) === undefined) return;
    if (role.builtIn !== undefined) offerBuiltIn('SPACE_MEMBERSHIP', spaceId, { roleId: role.roleId, builtIn: role.builtIn }, origin);
    else offerFirst('SPACE_BINDING', spaceId, role.roleId, origin);
  };

  let accountAdmin: DesiredGrants['accountAdmin'];
  for (const rule of matching) {
    const origin: GrantOrigin = { kind: 'rule', position: rule.position };
    if (rule.isAccountAdmin) accountAdmin ??= { origin };
    if (rule.orgRole) offerBuiltIn('ORGANIZATION_MEMBERSHIP', rule.orgRole.orgId, rule.orgRole.role, origin);
    for (const { spaceId, role } of rule.spaceRoles) offerSpaceRole(spaceId, role, origin);
    for (const { projectId, roleId } of rule.projectRoles) offerFirst('PROJECT_BINDING', projectId, roleId, origin);
  }
  const usedDefaults = matching.length === 0 && context.defaults !== undefined;
  if (usedDefaults) {
    const { org, space } = context.defaults!;
    offerBuiltIn('ORGANIZATION_MEMBERSHIP', org.orgId, org.role, { kind: 'default' });
    if (space) offerSpaceRole(space.spaceId, space.role, { kind: 'default' });
  }
  for (const grant of [...grants.values()]) {
    if (grant.kind !== 'SPACE_MEMBERSHIP') continue;
    const orgId = context.organizationOf(grant.resourceId)!;
    if (grants.has(key('ORGANIZATION_MEMBERSHIP', orgId))) continue;
    grants.set(key('ORGANIZATION_MEMBERSHIP', orgId), {
      kind: 'ORGANIZATION_MEMBERSHIP', resourceId: orgId, roleId: context.builtInRoleIds.READ_ONLY, builtIn: 'READ_ONLY',
      origin: { kind: 'implied', bySpaceId: grant.resourceId },
    });
  }
  return {
    accountAdmin,
    grants: [...grants.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.resourceId - b.resourceId),
    matchedRules: matching.map((rule) => rule.position),
    usedDefaults,
  };
}
