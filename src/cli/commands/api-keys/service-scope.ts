import { readFileSync } from 'node:fs';
import type { AxClient } from '../../../client/client.js';
import type { AccountRoleAssignmentRequest, RoleAssignmentRequest, ServiceKeyOrgAssignment, Space } from '../../../client/types.js';
import { CliError, FileError, UsageError } from '../../errors/cli-error.js';
import { EXIT } from '../../errors/exit-codes.js';
import { parseEnum, SERVICE_ACCOUNT_ROLES, SERVICE_ORG_ROLES, SERVICE_SPACE_ROLES } from '../../options/enums.js';
import { isPlainObject } from '../../output/cells.js';
import { resolveOrganizationId, resolveSpace, resolveSpaceId } from '../../resolve/resources.js';
import { parseRoleAssignment } from '../../resolve/role-assignment.js';

export interface ScopeFlags {
  space?: string | undefined;
  spaceRole?: string | undefined;
  orgRole?: string | undefined;
  accountRole?: string | undefined;
  assignments?: string | undefined;
}

export interface ServiceKeyScope {
  account_role?: AccountRoleAssignmentRequest;
  organizations: ServiceKeyOrgAssignment[];
}

/**
 * The scope of a new service key, from the seed's flags (`--space`, `--space-role`, `--org-role`, `--account-role`) or
 * from `--assignments` (JSON text or a .json file: `[{"org_id", "role"?, "spaces": [{"space", "role"?}]}]`, names or
 * ids). Unset roles are left to the server's defaults (org READ_ONLY, space MEMBER, account MEMBER).
 */
export async function buildServiceKeyScope(client: AxClient, flags: ScopeFlags): Promise<ServiceKeyScope> {
  const scope: ServiceKeyScope = { organizations: [] };
  if (flags.accountRole !== undefined) {
    scope.account_role = { type: 'PREDEFINED', name: parseEnum(flags.accountRole, SERVICE_ACCOUNT_ROLES, '--account-role') };
  }
  if (flags.assignments !== undefined) {
    if (flags.space !== undefined || flags.spaceRole !== undefined || flags.orgRole !== undefined) {
      throw new UsageError('--assignments replaces --space, --space-role and --org-role; pass one or the other');
    }
    scope.organizations = await fromAssignments(client, readAssignments(flags.assignments));
    return scope;
  }
  if (flags.space === undefined) {
    throw new UsageError('a service key needs a space', 'Pass --space SPACE (or set ARIZE_SPACE), or --assignments JSON.');
  }
  const space = await resolveSpace(client, flags.space);
  const orgId = space.organization_id ?? (await organizationOf(client, space));
  scope.organizations = [{
    org_id: orgId,
    ...(flags.orgRole === undefined ? {} : { role: await parseRoleAssignment(client, flags.orgRole, SERVICE_ORG_ROLES, '--org-role') }),
    spaces: [{
      space_id: space.id,
      ...(flags.spaceRole === undefined ? {} : { role: await parseRoleAssignment(client, flags.spaceRole, SERVICE_SPACE_ROLES, '--space-role') }),
    }],
  }];
  return scope;
}

/** Arize's space objects carry no organization id: find the organization whose space list holds it. */
async function organizationOf(client: AxClient, space: Space): Promise<string> {
  for await (const org of client.organizations.iterate()) {
    for await (const candidate of client.spaces.iterate({ org_id: org.id, name: space.name })) {
      if (candidate.id === space.id) return org.id;
    }
  }
  throw new CliError(`cannot find the organization of space ${space.name}`, { exitCode: EXIT.API, suggestion: 'Pass --assignments with an explicit org_id.' });
}

function readAssignments(value: string): unknown {
  const text = value.trim();
  let json = text;
  if (!text.startsWith('[') && !text.startsWith('{')) {
    try {
      json = readFileSync(text, 'utf8');
    } catch (error) {
      throw new FileError(`could not read --assignments file ${text}: ${(error as Error).message}`, 'Pass a JSON array, or the path of a .json file holding one.');
    }
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--assignments is not valid JSON: ${(error as Error).message}`, 'Example: [{"org_id":"Platform Team","spaces":[{"space":"team-alpha","role":"member"}]}]');
  }
}

async function fromAssignments(client: AxClient, raw: unknown): Promise<ServiceKeyOrgAssignment[]> {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new UsageError('--assignments needs at least one organization');
  const out: ServiceKeyOrgAssignment[] = [];
  for (const [i, entry] of list.entries()) {
    const where = `--assignments[${i}]`;
    if (!isPlainObject(entry) || typeof entry.org_id !== 'string' || !Array.isArray(entry.spaces) || entry.spaces.length === 0) {
      throw new UsageError(`${where} must be {"org_id": ORG, "role"?: ROLE, "spaces": [{"space": SPACE, "role"?: ROLE}, …]}`);
    }
    const orgId = await resolveOrganizationId(client, entry.org_id);
    const assignment: ServiceKeyOrgAssignment = { org_id: orgId, spaces: [] };
    if (entry.role !== undefined) assignment.role = await roleOf(client, entry.role, SERVICE_ORG_ROLES, `${where}.role`);
    for (const [j, item] of (entry.spaces as unknown[]).entries()) {
      const spaceWhere = `${where}.spaces[${j}]`;
      const ref = isPlainObject(item) ? (item.space ?? item.space_id) : undefined;
      if (typeof ref !== 'string') throw new UsageError(`${spaceWhere} must be {"space": NAME_OR_ID, "role"?: ROLE}`);
      const spaceId = await resolveSpaceId(client, ref, orgId);
      const role = isPlainObject(item) && item.role !== undefined ? await roleOf(client, item.role, SERVICE_SPACE_ROLES, `${spaceWhere}.role`) : undefined;
      assignment.spaces.push(role === undefined ? { space_id: spaceId } : { space_id: spaceId, role });
    }
    out.push(assignment);
  }
  return out;
}

/** A role in --assignments: a predefined name string, a custom role's id or name, or a wire assignment object. */
async function roleOf(client: AxClient, value: unknown, allowed: readonly string[], where: string): Promise<RoleAssignmentRequest> {
  if (typeof value === 'string') return parseRoleAssignment(client, value, allowed, where);
  if (isPlainObject(value) && value.type === 'CUSTOM' && typeof value.id === 'string') return { type: 'CUSTOM', id: value.id };
  if (isPlainObject(value) && value.type === 'PREDEFINED' && typeof value.name === 'string') {
    return parseRoleAssignment(client, value.name, allowed, where);
  }
  throw new UsageError(`${where} must be a role name such as "member", or {"type": "CUSTOM", "id": ROLE_ID}`);
}
