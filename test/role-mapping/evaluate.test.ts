import { describe, expect, it } from 'vitest';
import { evaluateMappings } from '../../src/role-mapping/index.js';
import { builtIn, context, custom, rule } from './fixture.js';

const grantsOf = (desired: ReturnType<typeof evaluateMappings>) =>
  desired.grants.map((g) => `${g.kind} ${g.resourceId} role ${g.roleId} ${g.origin.kind === 'rule' ? `#${g.origin.position}` : g.origin.kind}`);

describe('evaluateMappings: which rules match', () => {
  it('a rule matches when every attribute it names holds its value; values are compared exactly', () => {
    const rules = [rule(1, { group: 'ml', dept: 'research' }, { orgRole: { orgId: 1, role: builtIn('MEMBER') } })];
    expect(evaluateMappings(rules, { group: ['ml', 'ops'], dept: ['research'] }, context).matchedRules).toEqual([1]);
    expect(evaluateMappings(rules, { group: ['ml'] }, context).matchedRules).toEqual([]);
    expect(evaluateMappings(rules, { group: ['ML'], dept: ['research'] }, context).matchedRules).toEqual([]);
  });

  it('{} matches everyone, and rules are taken in position order whatever order they arrive in', () => {
    const rules = [rule(3, {}, { projectRoles: [{ projectId: 100, roleId: 13 }] }), rule(1, { group: 'ml' }, { projectRoles: [{ projectId: 100, roleId: 11 }] })];
    const desired = evaluateMappings(rules, { group: ['ml'] }, context);
    expect(desired.matchedRules).toEqual([1, 3]);
    expect(grantsOf(desired)).toEqual(['PROJECT_BINDING 100 role 11 #1']);
    expect(grantsOf(evaluateMappings(rules, {}, context))).toEqual(['PROJECT_BINDING 100 role 13 #3']);
  });

  it('no rule matches and no defaults: nothing', () => {
    const desired = evaluateMappings([rule(1, { group: 'ml' }, { isAccountAdmin: true })], { group: ['ops'] }, context);
    expect(desired).toEqual({ accountAdmin: undefined, grants: [], matchedRules: [], usedDefaults: false });
  });
});

describe('evaluateMappings: resolution (Arize: first rule wins for custom roles, most permissive built-in role)', () => {
  it('built-in space roles: the most permissive matching one, whatever the order', () => {
    const rules = [
      rule(1, { group: 'a' }, { spaceRoles: [{ spaceId: 10, role: builtIn('READ_ONLY') }] }),
      rule(2, { group: 'b' }, { spaceRoles: [{ spaceId: 10, role: builtIn('ADMIN') }] }),
      rule(3, { group: 'c' }, { spaceRoles: [{ spaceId: 10, role: builtIn('MEMBER') }] }),
    ];
    expect(grantsOf(evaluateMappings(rules, { group: ['a', 'b', 'c'] }, context))).toEqual([
      'ORGANIZATION_MEMBERSHIP 1 role 3 implied', 'SPACE_MEMBERSHIP 10 role 1 #2',
    ]);
  });

  it('custom space roles and project roles: the first matching rule for each resource wins', () => {
    const rules = [
      rule(1, { group: 'a' }, { spaceRoles: [{ spaceId: 11, role: custom(12) }], projectRoles: [{ projectId: 100, roleId: 12 }] }),
      rule(2, { group: 'b' }, { spaceRoles: [{ spaceId: 11, role: custom(11) }], projectRoles: [{ projectId: 100, roleId: 11 }, { projectId: 101, roleId: 13 }] }),
    ];
    expect(grantsOf(evaluateMappings(rules, { group: ['a', 'b'] }, context))).toEqual([
      'SPACE_BINDING 11 role 12 #1', 'PROJECT_BINDING 100 role 12 #1', 'PROJECT_BINDING 101 role 13 #2',
    ]);
  });

  it('one space can get a built-in role (membership) and a custom role (binding) at once', () => {
    const rules = [rule(1, {}, { spaceRoles: [{ spaceId: 10, role: builtIn('MEMBER') }, { spaceId: 10, role: custom(11) }] })];
    expect(grantsOf(evaluateMappings(rules, {}, context))).toEqual([
      'ORGANIZATION_MEMBERSHIP 1 role 3 implied', 'SPACE_MEMBERSHIP 10 role 2 #1', 'SPACE_BINDING 10 role 11 #1',
    ]);
  });

  it('organization roles: the most permissive; on a tie the earlier rule', () => {
    const rules = [
      rule(1, {}, { orgRole: { orgId: 1, role: builtIn('MEMBER') } }),
      rule(2, {}, { orgRole: { orgId: 1, role: builtIn('MEMBER') } }),
      rule(3, {}, { orgRole: { orgId: 2, role: builtIn('ANNOTATOR') } }),
      rule(4, {}, { orgRole: { orgId: 2, role: builtIn('ADMIN') } }),
    ];
    expect(grantsOf(evaluateMappings(rules, {}, context))).toEqual(['ORGANIZATION_MEMBERSHIP 1 role 2 #1', 'ORGANIZATION_MEMBERSHIP 2 role 1 #4']);
  });

  it('a space membership brings READ_ONLY on its organization only when no rule gives that organization a role', () => {
    const rules = [
      rule(1, {}, { spaceRoles: [{ spaceId: 10, role: builtIn('MEMBER') }, { spaceId: 20, role: builtIn('MEMBER') }] }),
      rule(2, {}, { orgRole: { orgId: 2, role: builtIn('ANNOTATOR') } }),
    ];
    expect(grantsOf(evaluateMappings(rules, {}, context))).toEqual([
      'ORGANIZATION_MEMBERSHIP 1 role 3 implied', 'ORGANIZATION_MEMBERSHIP 2 role 4 #2', 'SPACE_MEMBERSHIP 10 role 2 #1', 'SPACE_MEMBERSHIP 20 role 2 #1',
    ]);
  });

  it('a custom space role alone (a binding) needs no organization membership', () => {
    expect(grantsOf(evaluateMappings([rule(1, {}, { spaceRoles: [{ spaceId: 20, role: custom(11) }] })], {}, context))).toEqual(['SPACE_BINDING 20 role 11 #1']);
  });

  it('account admin when any matching rule says so, recorded with the first such rule', () => {
    const rules = [rule(1, { group: 'x' }, { isAccountAdmin: true }), rule(2, { group: 'y' }, { isAccountAdmin: true }), rule(3, {}, { projectRoles: [{ projectId: 100, roleId: 11 }] })];
    expect(evaluateMappings(rules, { group: ['y'] }, context).accountAdmin).toEqual({ origin: { kind: 'rule', position: 2 } });
    expect(evaluateMappings(rules, { group: [] }, context).accountAdmin).toBeUndefined();
  });

  it('the grants of a space that no longer exists are left out', () => {
    expect(grantsOf(evaluateMappings([rule(1, {}, { spaceRoles: [{ spaceId: 99, role: builtIn('ADMIN') }] })], {}, context))).toEqual([]);
  });
});

describe('evaluateMappings: defaults', () => {
  const defaults = { org: { orgId: 2, role: builtIn('READ_ONLY') }, space: { spaceId: 20, role: builtIn('ANNOTATOR') } };

  it('apply only when no rule matches', () => {
    const rules = [rule(1, { group: 'ml' }, { projectRoles: [{ projectId: 100, roleId: 11 }] })];
    const fallback = evaluateMappings(rules, { group: ['ops'] }, { ...context, defaults });
    expect(fallback.usedDefaults).toBe(true);
    expect(grantsOf(fallback)).toEqual(['ORGANIZATION_MEMBERSHIP 2 role 3 default', 'SPACE_MEMBERSHIP 20 role 4 default']);
    const matched = evaluateMappings(rules, { group: ['ml'] }, { ...context, defaults });
    expect(matched.usedDefaults).toBe(false);
    expect(grantsOf(matched)).toEqual(['PROJECT_BINDING 100 role 11 #1']);
  });

  it('a custom default space role is a binding', () => {
    const desired = evaluateMappings([], {}, { ...context, defaults: { org: defaults.org, space: { spaceId: 20, role: custom(12) } } });
    expect(grantsOf(desired)).toEqual(['ORGANIZATION_MEMBERSHIP 2 role 3 default', 'SPACE_BINDING 20 role 12 default']);
  });
});
