import { ApiError, badRequest, unprocessable } from '../../domain/errors.js';
import { decodeId } from '../../domain/ids.js';
import type { AccountStore } from '../../store/account-store.js';
import type { RoleMappingValues } from '../../store/repositories/role-mappings.js';
import type { RoleMappingRow, RoleRow } from '../../store/schema.js';
import { parseMappingRow } from './mapping-input.js';

/** A rule as requests give it (wire ids). */
export interface MappingInput {
  attributes_map?: Record<string, string> | undefined;
  is_account_admin?: boolean | undefined;
  org_role?: { org_id: string; role_id: string } | null | undefined;
  space_roles?: { space_id: string; role_id: string }[] | undefined;
  project_roles?: { project_id: string; role_id: string }[] | undefined;
}

/** A rule with row ids: what is checked against the account and stored. */
interface DecodedMapping {
  attributes: Record<string, string>;
  isAccountAdmin: boolean;
  orgRole: { org_id: number; role_id: number } | null;
  spaceRoles: { space_id: number; role_id: number }[];
  projectRoles: { project_id: number; role_id: number }[];
}

const notFoundField = (field: string, what: string) => new ApiError('NOT_FOUND', `${field}: ${what} not found`);

/** The rule a request describes, over the stored one for the fields it leaves out (a PATCH); 400 for a bad id. */
function decodeMapping(input: MappingInput, field: string, stored?: RoleMappingRow): DecodedMapping {
  const base = stored ? parseMappingRow(stored) : undefined;
  return {
    attributes: input.attributes_map ?? base?.attributes ?? {},
    isAccountAdmin: input.is_account_admin ?? base?.isAccountAdmin ?? false,
    orgRole: input.org_role === undefined
      ? base?.orgRole ?? null
      : input.org_role === null ? null : {
        org_id: decodeId('Organization', input.org_role.org_id, `${field}org_role.org_id`),
        role_id: decodeId('Role', input.org_role.role_id, `${field}org_role.role_id`),
      },
    spaceRoles: input.space_roles === undefined ? base?.spaceRoles ?? [] : input.space_roles.map((s, i) => ({
      space_id: decodeId('Space', s.space_id, `${field}space_roles[${i}].space_id`),
      role_id: decodeId('Role', s.role_id, `${field}space_roles[${i}].role_id`),
    })),
    projectRoles: input.project_roles === undefined ? base?.projectRoles ?? [] : input.project_roles.map((p, i) => ({
      project_id: decodeId('Project', p.project_id, `${field}project_roles[${i}].project_id`),
      role_id: decodeId('Role', p.role_id, `${field}project_roles[${i}].role_id`),
    })),
  };
}

/** Decodes every id of the rules first, so that a malformed id is its 400 whatever else the request gets wrong. */
export function assertMappingIds(rules: readonly MappingInput[], field: string): void {
  rules.forEach((rule, i) => decodeMapping(rule, `${field}[${i}].`));
}

/**
 * Checks a rule against §4.2 of the identity contract and returns its stored form: at least one grant (400); ids
 * of the account (404 naming the field); an organization role predefined and project roles custom (422); at most
 * one built-in and one custom role per space (400). `field` prefixes every field name (`role_mappings[2].`).
 */
export async function checkMapping(store: AccountStore, input: MappingInput, field = '', stored?: RoleMappingRow): Promise<RoleMappingValues> {
  const rule = decodeMapping(input, field, stored);
  if (!rule.isAccountAdmin && rule.orgRole === null && rule.spaceRoles.length === 0 && rule.projectRoles.length === 0) {
    throw badRequest(`${field || 'body'}: a role mapping needs at least one grant (is_account_admin, org_role, space_roles or project_roles)`);
  }
  const roles = new Map<number, RoleRow>();
  const role = async (id: number, at: string): Promise<RoleRow> => {
    const row = roles.get(id) ?? await store.roles.find(id);
    if (!row) throw notFoundField(at, 'role');
    roles.set(id, row);
    return row;
  };
  if (rule.orgRole) {
    if (!await store.organizations.find(rule.orgRole.org_id)) throw notFoundField(`${field}org_role.org_id`, 'organization');
    const orgRole = await role(rule.orgRole.role_id, `${field}org_role.role_id`);
    if (!orgRole.predefined_key) throw unprocessable(`${field}org_role.role_id: an organization role must be a predefined role (ADMIN, MEMBER, READ_ONLY, ANNOTATOR), not a custom role`);
  }
  const kindsBySpace = new Map<number, Set<'built-in' | 'custom'>>();
  for (const [i, s] of rule.spaceRoles.entries()) {
    if (!await store.spaces.find(s.space_id)) throw notFoundField(`${field}space_roles[${i}].space_id`, 'space');
    const kind = (await role(s.role_id, `${field}space_roles[${i}].role_id`)).predefined_key ? 'built-in' : 'custom';
    const kinds = kindsBySpace.get(s.space_id) ?? new Set();
    if (kinds.has(kind)) throw badRequest(`${field}space_roles[${i}]: a rule gives a space at most one ${kind} role`);
    kinds.add(kind);
    kindsBySpace.set(s.space_id, kinds);
  }
  const projects = new Set<number>();
  for (const [i, p] of rule.projectRoles.entries()) {
    if (!await store.projects.find(p.project_id)) throw notFoundField(`${field}project_roles[${i}].project_id`, 'project');
    if ((await role(p.role_id, `${field}project_roles[${i}].role_id`)).predefined_key) {
      throw unprocessable(`${field}project_roles[${i}].role_id: a project role must be a custom role (a PROJECT role binding), not a predefined role`);
    }
    if (projects.has(p.project_id)) throw badRequest(`${field}project_roles[${i}]: a rule gives a project at most one role`);
    projects.add(p.project_id);
  }
  return {
    attributes_map: JSON.stringify(rule.attributes),
    is_account_admin: rule.isAccountAdmin ? 1 : 0,
    org_role: rule.orgRole === null ? null : JSON.stringify(rule.orgRole),
    space_roles: JSON.stringify(rule.spaceRoles),
    project_roles: JSON.stringify(rule.projectRoles),
  };
}

/**
 * §2.8 "mapping changes preserve required login and admin mappings": with default login off at least one rule
 * must remain, and with allow-only-SSO logins on at least one rule must make account admins. Checked inside the
 * changing transaction, after the change: a 422 rolls all of it back.
 */
export async function assertLoginStillPossible(store: AccountStore, idp: { id: number; allow_default_login: number; allow_only_sso_logins: number }): Promise<void> {
  const rules = await store.roleMappings.all(idp.id);
  if (idp.allow_default_login !== 1 && rules.length === 0) {
    throw unprocessable('role_mappings: with allow_default_login off, at least one role mapping must remain (supply initial role mappings, or turn on default login with its defaults)');
  }
  if (idp.allow_only_sso_logins === 1 && !rules.some((r) => r.is_account_admin === 1)) {
    throw unprocessable('role_mappings: with allow_only_sso_logins on, at least one role mapping must have is_account_admin (keep an SSO-mapped account administrator)');
  }
}
