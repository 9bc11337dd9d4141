import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountRoleKey } from '../../src/domain/account-roles.js';
import {
  type AttributeMap, evaluateMappings, type GrantKind, type HeldAccountRole, type HeldGrant, type MappingRule,
  planChangesNothing, planSync, type Syncer, type SyncPlan, writtenBy,
} from '../../src/role-mapping/index.js';
import { PREDEFINED_ROLE_KEYS } from '../../src/domain/predefined-roles.js';
import { propertyRuns } from '../helpers/property-runs.js';
import { builtIn, context, custom, organizationOf, SPACE_ORGANIZATION } from './fixture.js';

/**
 * Syncs as the spec describes them, checked on random mappings, attributes and starting grants: a reference `apply`
 * (written here, row by row) carries a plan out, and the properties hold of the result.
 */

const SSO: Syncer = { source: 'SSO', idpId: 1 };
const OTHER_SOURCES = [{ source: 'MANUAL' as const }, { source: 'SCIM' as const, sourceIdpId: 1 }, { source: 'SSO' as const, sourceIdpId: 2 }];
const SPACES = [...SPACE_ORGANIZATION.keys()];
const PROJECTS = [100, 101, 200];
const GROUPS = ['g1', 'g2', 'g3', 'g4'];

interface State { held: HeldGrant[]; account: HeldAccountRole }

const roleChoice = fc.oneof(fc.constantFrom(...PREDEFINED_ROLE_KEYS).map(builtIn), fc.constantFrom(11, 12, 13).map(custom));
const ruleArb = fc.record({
  attributes: fc.oneof(
    fc.constant({}),
    fc.constantFrom(...GROUPS).map((g) => ({ group: g })),
    fc.tuple(fc.constantFrom(...GROUPS), fc.constantFrom('d1', 'd2')).map(([g, d]) => ({ group: g, dept: d })),
  ),
  isAccountAdmin: fc.boolean(),
  orgRole: fc.option(fc.record({ orgId: fc.constantFrom(1, 2), role: fc.constantFrom(...PREDEFINED_ROLE_KEYS).map(builtIn) }), { nil: undefined }),
  spaceRoles: fc.array(fc.record({ spaceId: fc.constantFrom(...SPACES), role: roleChoice }), { maxLength: 3 }),
  projectRoles: fc.array(fc.record({ projectId: fc.constantFrom(...PROJECTS), roleId: fc.constantFrom(11, 12, 13) }), { maxLength: 2 }),
});
const rulesArb = fc.array(ruleArb, { maxLength: 6 }).map((rules) => rules.map((r, i): MappingRule => ({ ...r, position: i + 1 })));
const attributesArb = fc.record({ group: fc.subarray(GROUPS), dept: fc.subarray(['d1', 'd2']) });

const heldArb = fc.array(fc.record({
  kind: fc.constantFrom<GrantKind>('ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING'),
  pick: fc.nat(),
  roleId: fc.constantFrom(1, 2, 3, 4, 11, 12),
  by: fc.constantFrom(...OTHER_SOURCES, { source: 'SSO' as const, sourceIdpId: 1 }),
}), { maxLength: 8 });

const stateArb = fc.record({
  held: heldArb,
  role: fc.constantFrom<AccountRoleKey>('ADMIN', 'MEMBER', 'ANNOTATOR'),
  promotedBySso: fc.boolean(),
  otherActiveAdmins: fc.nat({ max: 2 }),
}).map(({ held, role, promotedBySso, otherActiveAdmins }): State => {
  const resources: Record<GrantKind, number[]> = { ORGANIZATION_MEMBERSHIP: [1, 2], SPACE_MEMBERSHIP: SPACES, SPACE_BINDING: SPACES, PROJECT_BINDING: PROJECTS };
  const rows = new Map<string, HeldGrant>();
  let rowId = 1;
  for (const h of held) {
    const resourceId = resources[h.kind][h.pick % resources[h.kind].length]!;
    const slot = `${h.kind}:${resourceId}`;
    if (!rows.has(slot)) rows.set(slot, { kind: h.kind, resourceId, roleId: h.roleId, rowId: rowId++, ...h.by });
  }
  const promoted = role === 'ADMIN' && promotedBySso;
  return {
    held: withOrganizations([...rows.values()]),
    account: { role, otherActiveAdmins, ...(promoted ? { promotedBy: SSO, roleBeforeSync: 'ANNOTATOR' as const } : {}) },
  };
});

/** As the API guarantees: whoever holds a space membership holds its organization's membership (added by hand here). */
function withOrganizations(held: HeldGrant[]): HeldGrant[] {
  const rows = [...held];
  let rowId = Math.max(0, ...rows.map((h) => h.rowId)) + 1;
  for (const row of held) {
    const orgId = row.kind === 'SPACE_MEMBERSHIP' ? organizationOf(row.resourceId)! : undefined;
    if (orgId !== undefined && !rows.some((h) => h.kind === 'ORGANIZATION_MEMBERSHIP' && h.resourceId === orgId)) {
      rows.push({ kind: 'ORGANIZATION_MEMBERSHIP', resourceId: orgId, roleId: 3, rowId: rowId++, source: 'MANUAL' });
    }
  }
  return rows;
}

function plan(rules: MappingRule[], attributes: AttributeMap, state: State): SyncPlan {
  const desired = evaluateMappings(rules, attributes, context);
  return planSync({ syncer: SSO, desired, held: state.held, account: state.account, organizationOf: (g) => organizationOf(g) });
}

/** The reference: carries a plan out one row at a time. */
function apply(state: State, p: SyncPlan): State {
  const removed = new Set(p.remove.map((r) => r.rowId));
  const changed = new Map(p.change.map((c) => [c.held.rowId, c.to.roleId]));
  let nextId = Math.max(0, ...state.held.map((h) => h.rowId)) + 1;
  const held = state.held.filter((h) => !removed.has(h.rowId)).map((h) => (changed.has(h.rowId) ? { ...h, roleId: changed.get(h.rowId)! } : h));
  for (const a of p.add) held.push({ kind: a.kind, resourceId: a.resourceId, roleId: a.roleId, rowId: nextId++, source: SSO.source, sourceIdpId: SSO.idpId });
  let account = state.account;
  if (p.accountRole?.kind === 'PROMOTE') account = { ...account, role: 'ADMIN', promotedBy: SSO, roleBeforeSync: p.accountRole.from };
  if (p.accountRole?.kind === 'DEMOTE') account = { role: p.accountRole.to, otherActiveAdmins: account.otherActiveAdmins };
  return { held, account };
}

const grantsOf = (state: State, keep: (h: HeldGrant) => boolean) =>
  state.held.filter(keep).map((h) => `${h.kind}:${h.resourceId}:${h.roleId}:${h.source}:${h.sourceIdpId ?? ''}`).sort();

describe('planSync on random mappings, attributes and starting grants', () => {
  it('a second sync with the same attributes changes nothing', () => {
    fc.assert(fc.property(rulesArb, attributesArb, stateArb, (rules, attributes, state) => {
      const once = apply(state, plan(rules, attributes, state));
      expect(planChangesNothing(plan(rules, attributes, once))).toBe(true);
    }), propertyRuns(300));
  });

  it('grants written by anyone else (an admin, SCIM, another provider) survive every sync untouched', () => {
    fc.assert(fc.property(rulesArb, attributesArb, attributesArb, stateArb, (rules, first, second, state) => {
      const others = (h: HeldGrant) => !writtenBy(h, SSO);
      const after = apply(apply(state, plan(rules, first, state)), plan(rules, second, apply(state, plan(rules, first, state))));
      expect(grantsOf(after, others)).toEqual(grantsOf(state, others));
    }), propertyRuns(300));
  });

  // From a state whose provider-written rows a sync of these same mappings wrote (a row an older mapping wrote keeps
  // the role its last sync gave it while a space membership still needs it, so history matters there).
  it('leaving a group removes exactly what that group gave: the result equals a sync of the new attributes alone', () => {
    fc.assert(fc.property(rulesArb, attributesArb, attributesArb, stateArb, fc.constantFrom(...GROUPS), (rules, before, attributes, any, leaving) => {
      const base: State = { ...any, held: withOrganizations(any.held.filter((h) => !writtenBy(h, SSO))), account: { role: any.account.role, otherActiveAdmins: any.account.otherActiveAdmins } };
      const state = apply(base, plan(rules, before, base));
      const withGroup = { ...attributes, group: [...new Set([...attributes.group, leaving])] };
      const without = { ...attributes, group: withGroup.group.filter((g) => g !== leaving) };
      const throughTheGroup = apply(apply(state, plan(rules, withGroup, state)), plan(rules, without, apply(state, plan(rules, withGroup, state))));
      const direct = apply(state, plan(rules, without, state));
      expect(grantsOf(throughTheGroup, () => true)).toEqual(grantsOf(direct, () => true));
      if (state.account.otherActiveAdmins > 0) expect(throughTheGroup.account.role).toBe(direct.account.role);
    }), propertyRuns(300));
  });

  it('never leaves a space membership without its organization membership', () => {
    fc.assert(fc.property(rulesArb, attributesArb, attributesArb, stateArb, (rules, first, second, state) => {
      const once = apply(state, plan(rules, first, state));
      const twice = apply(once, plan(rules, second, once));
      const orgs = new Set(twice.held.filter((h) => h.kind === 'ORGANIZATION_MEMBERSHIP').map((h) => h.resourceId));
      for (const h of twice.held.filter((row) => row.kind === 'SPACE_MEMBERSHIP')) expect(orgs.has(organizationOf(h.resourceId)!)).toBe(true);
    }), propertyRuns(300));
  });
});

describe('planSync: the account role', () => {
  const desiredAdmin = { accountAdmin: { origin: { kind: 'rule' as const, position: 1 } }, grants: [], matchedRules: [1], usedDefaults: false };
  const desiredNothing = { accountAdmin: undefined, grants: [], matchedRules: [], usedDefaults: false };
  const sync = (desired: typeof desiredNothing | typeof desiredAdmin, account: HeldAccountRole) =>
    planSync({ syncer: SSO, desired, held: [], account, organizationOf: () => undefined }).accountRole;

  it('promotes a MEMBER when a rule says account admin, and demotes only an ADMIN it promoted', () => {
    expect(sync(desiredAdmin, { role: 'MEMBER', otherActiveAdmins: 1 })).toEqual({ kind: 'PROMOTE', from: 'MEMBER' });
    expect(sync(desiredNothing, { role: 'ADMIN', otherActiveAdmins: 1, promotedBy: SSO, roleBeforeSync: 'ANNOTATOR' })).toEqual({ kind: 'DEMOTE', to: 'ANNOTATOR' });
    expect(sync(desiredNothing, { role: 'ADMIN', otherActiveAdmins: 1 })).toBeUndefined();
    expect(sync(desiredNothing, { role: 'ADMIN', otherActiveAdmins: 1, promotedBy: { source: 'SSO', idpId: 2 } })).toBeUndefined();
  });

  it('keeps the last ACTIVE account ADMIN, saying so', () => {
    expect(sync(desiredNothing, { role: 'ADMIN', otherActiveAdmins: 0, promotedBy: SSO })).toEqual({ kind: 'KEPT', reason: 'LAST_ACTIVE_ADMIN' });
  });
});

describe('planSync: what it leaves alone', () => {
  it('skips a resource an admin holds by hand, and keeps its own organization membership while a space membership needs it', () => {
    const rules: MappingRule[] = [{ position: 1, attributes: {}, isAccountAdmin: false, spaceRoles: [{ spaceId: 10, role: builtIn('ADMIN') }], projectRoles: [] }];
    const held: HeldGrant[] = [
      { kind: 'ORGANIZATION_MEMBERSHIP', resourceId: 1, roleId: 3, rowId: 1, source: 'SSO', sourceIdpId: 1 },
      { kind: 'SPACE_MEMBERSHIP', resourceId: 10, roleId: 2, rowId: 2, source: 'MANUAL' },
      { kind: 'SPACE_MEMBERSHIP', resourceId: 11, roleId: 2, rowId: 3, source: 'MANUAL' },
    ];
    const state: State = { held, account: { role: 'MEMBER', otherActiveAdmins: 1 } };
    expect(plan(rules, {}, state)).toMatchObject({ add: [], change: [], remove: [], skipped: [{ kind: 'SPACE_MEMBERSHIP', resourceId: 10, reason: 'HELD_BY_ANOTHER_SOURCE' }] });
    expect(plan([], {}, state)).toMatchObject({ remove: [], skipped: [{ kind: 'ORGANIZATION_MEMBERSHIP', resourceId: 1, reason: 'NEEDED_BY_A_SPACE_MEMBERSHIP' }] });
  });
});
