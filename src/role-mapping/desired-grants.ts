import type { BuiltInRole } from './mapping-rule.js';

/** Why the engine wants a grant: a rule (its position), the provider's defaults, or a space that needs its organization. */
export type GrantOrigin =
  | { kind: 'rule'; position: number }
  | { kind: 'default' }
  | { kind: 'implied'; bySpaceId: number };

export type GrantKind = 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING';

/** One grant the user should hold: at most one per (kind, resource). */
export interface DesiredGrant {
  kind: GrantKind;
  resourceId: number;
  roleId: number;
  /** Set for memberships: the predefined role's key. */
  builtIn?: BuiltInRole | undefined;
  origin: GrantOrigin;
}

/** What the mappings give a user, with the rules that matched; grants sorted by kind, then resource id. */
export interface DesiredGrants {
  accountAdmin: { origin: GrantOrigin } | undefined;
  grants: DesiredGrant[];
  /** Positions of the matching rules, in order. */
  matchedRules: number[];
  usedDefaults: boolean;
}
