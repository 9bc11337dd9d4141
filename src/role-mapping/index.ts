/**
 * The role-mapping engine: pure functions (no I/O) that turn what an identity provider asserts about a user
 * (SAML attributes, OIDC claims, SCIM groups) into the grants the provider's mappings give, and plan the sync that
 * makes the user's provider-written grants exactly those — never touching a grant an admin made by hand.
 *
 * @example
 * import { evaluateMappings, planSync } from './role-mapping/index.js';
 * const desired = evaluateMappings(rules, { group: ['team-ml'] }, { builtInRoleIds, organizationOf });
 * const plan = planSync({ syncer: { source: 'SSO', idpId: 2 }, desired, held, account, organizationOf });
 */
export { evaluateMappings, ruleMatches } from './evaluate.js';
export type { EvaluationContext } from './evaluate.js';
export type { DesiredGrant, DesiredGrants, GrantKind, GrantOrigin } from './desired-grants.js';
export type { AttributeMap, BuiltInRole, MappingDefaults, MappingRule, RoleChoice } from './mapping-rule.js';
export { planChangesNothing, planSync, writtenBy } from './sync-plan.js';
export type { GrantSource, HeldAccountRole, HeldGrant, SkipReason, Syncer, SyncInput, SyncPlan } from './sync-plan.js';
