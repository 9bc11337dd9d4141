import type { PredefinedRoleKey } from '../domain/predefined-roles.js';

/** A predefined role a membership can carry (Arize's "built-in" roles). */
export type BuiltInRole = PredefinedRoleKey;

/** What an identity provider asserted about a user: attribute (or claim, or `group`) name → its values. */
export type AttributeMap = Readonly<Record<string, readonly string[]>>;

/** A role as a rule names it: a predefined role (carries its key) or a custom role of the account. */
export type RoleChoice = { roleId: number; builtIn: BuiltInRole } | { roleId: number; builtIn?: undefined };

/**
 * One rule of an identity provider's role mappings, in configuration order (`position`, 1-based). It matches
 * when, for every entry of `attributes`, the user's values for that name include that value; `{}` matches
 * everyone.
 */
export interface MappingRule {
  position: number;
  attributes: Readonly<Record<string, string>>;
  isAccountAdmin: boolean;
  /** A predefined role on the organization (an organization membership). */
  orgRole?: { orgId: number; role: RoleChoice & { builtIn: BuiltInRole } } | undefined;
  /** Per space: a predefined role (a space membership) and/or a custom role (a SPACE role binding). */
  spaceRoles: readonly { spaceId: number; role: RoleChoice }[];
  /** Custom roles on projects (PROJECT role bindings). */
  projectRoles: readonly { projectId: number; roleId: number }[];
}

/** What a user gets when no rule matches and the provider allows default logins. */
export interface MappingDefaults {
  org: { orgId: number; role: RoleChoice & { builtIn: BuiltInRole } };
  space?: { spaceId: number; role: RoleChoice } | undefined;
}
