import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CreateRoleMappingRequest, InitialRoleMapping, UpdateRoleMappingRequest } from '../../../client/types.js';
import { FileError, UsageError } from '../../errors/cli-error.js';
import { isPlainObject } from '../../output/cells.js';
import { integerIn } from '../../options/values.js';
import { splitPair, type GrantResolver } from './grants.js';

/** Repeatable flag whose values are kept whole (attribute values may hold commas: `CN=admins,OU=groups`). */
export function collectRaw(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The flags of a role-mapping rule (`add`/`create`, and `update`, where `none` clears a grant list). */
export function withMappingOptions(cmd: Command, forUpdate: boolean): Command {
  const clears = forUpdate ? '; replaces the current ones ("none" clears them)' : '';
  cmd
    .option('--attribute <name=value>', `an attribute the user must assert, e.g. group=my-admins (repeatable: all must match; none matches everyone)${forUpdate ? '; replaces the current matches' : ''}`, collectRaw)
    .option('--account-admin', 'grant the account role ADMIN');
  if (forUpdate) cmd.option('--no-account-admin', 'do not grant the account role ADMIN');
  return cmd
    .option('--org-role <org=role>', `organization (name or id) and a predefined role, e.g. "Platform Team=member"${forUpdate ? ' ("none" clears it)' : ''}`)
    .option('--space-role <space=role>', `space (name or id) and a predefined or custom role (repeatable)${clears}`, collectRaw)
    .option('--project-role <project=role>', `project (name or id) and a custom role (repeatable)${clears}`, collectRaw)
    .option('--position <n>', 'place in configuration order, 1 = first (default: last); the rules after it shift', integerIn(1, 100_000));
}

export interface MappingFlags {
  attribute?: string[];
  accountAdmin?: boolean;
  orgRole?: string;
  spaceRole?: string[];
  projectRole?: string[];
  position?: number;
}

/** `--attribute NAME=VALUE`… as a rule's `attributes_map` (one value per name). */
export function attributesMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const [name, wanted] = splitPair(value, '--attribute', 'NAME=VALUE');
    if (name in map) {
      throw new UsageError(`--attribute ${name} is given twice; a rule matches one value per attribute`, 'Write one rule per value instead (rules are tried in order).');
    }
    map[name] = wanted;
  }
  return map;
}

/** `--attribute NAME=VALUE`… as asserted attributes (a name may repeat: a multi-valued attribute). */
export function attributeValues(values: readonly string[]): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const value of values) {
    const [name, asserted] = splitPair(value, '--attribute', 'NAME=VALUE');
    (map[name] ??= []).push(asserted);
  }
  return map;
}

const isNone = (values: readonly string[] | string | undefined) =>
  values !== undefined && (typeof values === 'string' ? [values] : values).length === 1 && (typeof values === 'string' ? values : values[0]!).toLowerCase() === 'none';

/** The grants named by the flags, ids resolved; only the flags given (an update changes only those). */
async function grantsFrom(resolver: GrantResolver, flags: MappingFlags, forUpdate: boolean): Promise<UpdateRoleMappingRequest> {
  const body: UpdateRoleMappingRequest = {};
  if (flags.attribute !== undefined) body.attributes_map = attributesMap(flags.attribute);
  if (flags.accountAdmin !== undefined) body.is_account_admin = flags.accountAdmin;
  if (flags.orgRole !== undefined) {
    if (forUpdate && isNone(flags.orgRole)) body.org_role = null;
    else {
      const [org, role] = splitPair(flags.orgRole, '--org-role', 'ORG=ROLE');
      body.org_role = { org_id: await resolver.organization(org), role_id: await resolver.role(role, 'organization', '--org-role') };
    }
  }
  if (flags.spaceRole !== undefined) {
    body.space_roles = forUpdate && isNone(flags.spaceRole) ? [] : await Promise.all(flags.spaceRole.map(async (value) => {
      const [space, role] = splitPair(value, '--space-role', 'SPACE=ROLE');
      return { space_id: await resolver.space(space), role_id: await resolver.role(role, 'space', '--space-role') };
    }));
  }
  if (flags.projectRole !== undefined) {
    body.project_roles = forUpdate && isNone(flags.projectRole) ? [] : await Promise.all(flags.projectRole.map(async (value) => {
      const [project, role] = splitPair(value, '--project-role', 'PROJECT=ROLE');
      return { project_id: await resolver.project(project), role_id: await resolver.role(role, 'project', '--project-role') };
    }));
  }
  if (flags.position !== undefined) body.position = flags.position;
  return body;
}

/** A new rule from the flags: its matches (none = everyone) and at least one grant. */
export async function createMappingBody(resolver: GrantResolver, flags: MappingFlags): Promise<CreateRoleMappingRequest> {
  const body = await grantsFrom(resolver, flags, false);
  if (!body.is_account_admin && body.org_role === undefined && body.space_roles === undefined && body.project_roles === undefined) {
    throw new UsageError('a role mapping needs at least one grant', 'Pass --account-admin, --org-role ORG=ROLE, --space-role SPACE=ROLE or --project-role PROJECT=ROLE.');
  }
  return { ...body, attributes_map: body.attributes_map ?? {} };
}

export async function updateMappingBody(resolver: GrantResolver, flags: MappingFlags): Promise<UpdateRoleMappingRequest> {
  const body = await grantsFrom(resolver, flags, true);
  if (Object.keys(body).length === 0) {
    throw new UsageError('nothing to update', 'Pass --attribute, --account-admin/--no-account-admin, --org-role, --space-role, --project-role or --position.');
  }
  return body;
}

/**
 * `--mappings JSON-or-path`: the initial rules of a new provider, in the API's shape
 * (`[{"attributes_map": {"group": "ax-admins"}, "is_account_admin": true, "space_roles": [{"space_id", "role_id"}]}]`),
 * where every id may also be a name (organizations, spaces, projects, roles as in the flags).
 */
export async function readMappings(resolver: GrantResolver, value: string): Promise<InitialRoleMapping[]> {
  const raw = parseJsonOrFile(value, '--mappings');
  if (!Array.isArray(raw)) throw new UsageError('--mappings must be a JSON array of rules');
  const out: InitialRoleMapping[] = [];
  for (const [i, entry] of raw.entries()) {
    const where = `--mappings[${i}]`;
    if (!isPlainObject(entry)) throw new UsageError(`${where} must be an object`);
    const rule: InitialRoleMapping = { attributes_map: stringMap(entry.attributes_map ?? {}, `${where}.attributes_map`) };
    if (entry.is_account_admin !== undefined) rule.is_account_admin = entry.is_account_admin === true;
    if (entry.org_role !== undefined && entry.org_role !== null) {
      const org = pairOf(entry.org_role, 'org_id', `${where}.org_role`);
      rule.org_role = { org_id: await resolver.organization(org.resource), role_id: await resolver.role(org.role, 'organization', `${where}.org_role`) };
    }
    if (entry.space_roles !== undefined) {
      rule.space_roles = await Promise.all(listOf(entry.space_roles, `${where}.space_roles`).map(async (item, j) => {
        const pair = pairOf(item, 'space_id', `${where}.space_roles[${j}]`);
        return { space_id: await resolver.space(pair.resource), role_id: await resolver.role(pair.role, 'space', `${where}.space_roles[${j}]`) };
      }));
    }
    if (entry.project_roles !== undefined) {
      rule.project_roles = await Promise.all(listOf(entry.project_roles, `${where}.project_roles`).map(async (item, j) => {
        const pair = pairOf(item, 'project_id', `${where}.project_roles[${j}]`);
        return { project_id: await resolver.project(pair.resource), role_id: await resolver.role(pair.role, 'project', `${where}.project_roles[${j}]`) };
      }));
    }
    out.push(rule);
  }
  return out;
}

/** JSON text (starting with `[` or `{`), or the path of a file holding it. */
export function parseJsonOrFile(value: string, flag: string): unknown {
  const text = value.trim();
  let json = text;
  if (!text.startsWith('[') && !text.startsWith('{')) {
    try {
      json = readFileSync(text, 'utf8');
    } catch (error) {
      throw new FileError(`could not read ${flag} file ${text}: ${(error as Error).message}`, 'Pass JSON text, or the path of a .json file holding it.');
    }
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new UsageError(`${where} must map attribute names to one string value each`);
  }
  return value as Record<string, string>;
}

function listOf(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new UsageError(`${where} must be an array`);
  return value;
}

function pairOf(value: unknown, key: string, where: string): { resource: string; role: string } {
  if (!isPlainObject(value) || typeof value[key] !== 'string' || typeof value.role_id !== 'string') {
    throw new UsageError(`${where} must be {"${key}": NAME_OR_ID, "role_id": ROLE}`);
  }
  return { resource: value[key], role: value.role_id };
}
