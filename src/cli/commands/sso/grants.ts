import type { AxClient } from '../../../client/client.js';
import type { Role } from '../../../client/types.js';
import { UsageError } from '../../errors/cli-error.js';
import { displayEnum, MEMBERSHIP_ROLES, normalizeEnum } from '../../options/enums.js';
import { ambiguousName, nameNotFound } from '../../resolve/errors.js';
import { isResourceId } from '../../resolve/id.js';
import { resolveOrganizationId, resolveSpaceId } from '../../resolve/resources.js';

/** Where a role is granted: organization roles are predefined, project roles custom, space roles either. */
export type GrantLevel = 'organization' | 'space' | 'project';

/**
 * `NAME=VALUE` and `RESOURCE=ROLE` flag values. The split is at the first `=` that leaves a non-empty value not
 * starting with `=`, so padded base64 ids work on either side (`U3BhY2U6Mw===member`) and attribute values may
 * hold `=` themselves (`group=CN=admins,OU=groups`).
 */
export function splitPair(value: string, flag: string, shape: string): [string, string] {
  for (let i = value.indexOf('='); i > 0; i = value.indexOf('=', i + 1)) {
    const right = value.slice(i + 1);
    if (right !== '' && !right.startsWith('=')) return [value.slice(0, i), right];
  }
  throw new UsageError(`${flag} expects ${shape}, got "${value}"`);
}

/**
 * Turns the names in mapping and default-login flags into ids: organizations, spaces and projects by name or id
 * (as everywhere), roles by predefined name (`member`, `read-only`), custom role name, or id. The role list is read
 * once per command.
 */
export class GrantResolver {
  private roles: Promise<Role[]> | undefined;

  constructor(private readonly client: AxClient) {}

  organization(value: string): Promise<string> {
    return resolveOrganizationId(this.client, value);
  }

  space(value: string): Promise<string> {
    return resolveSpaceId(this.client, value);
  }

  /** A project by id, or by name across every space the caller sees (a name two spaces share is ambiguous). */
  async project(value: string): Promise<string> {
    if (isResourceId(value)) return value;
    const matches: { id: string; where: string }[] = [];
    const seen: string[] = [];
    for await (const project of this.client.projects.iterate({ name: value })) {
      seen.push(project.name);
      if (project.name === value) matches.push({ id: project.id, where: `space ${project.space_id}` });
    }
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length > 1) throw ambiguousName('project', value, matches);
    throw nameNotFound('project named', value, seen, 'ax projects list --space SPACE');
  }

  /** A role id for a grant at `level`; `flag` names the flag in errors. */
  async role(value: string, level: GrantLevel, flag: string): Promise<string> {
    if (isResourceId(value)) return value;
    const roles = await this.allRoles();
    const key = normalizeEnum(value);
    if ((MEMBERSHIP_ROLES as readonly string[]).includes(key)) {
      if (level === 'project') {
        throw new UsageError(`${flag}: project roles are custom roles, not ${displayEnum(key)}`, 'Pass a custom role (`ax roles list --is-custom`).');
      }
      const predefined = roles.find((role) => role.is_predefined && normalizeEnum(role.name) === key);
      if (predefined) return predefined.id;
    }
    const matches = roles.filter((role) => role.name === value);
    if (matches.length > 1) throw ambiguousName('role', value, matches);
    const role = matches[0];
    if (!role) throw nameNotFound('role named', value, roles.map((r) => r.name), 'ax roles list');
    if (level === 'organization' && !role.is_predefined) {
      throw new UsageError(`${flag}: organization roles are predefined (${MEMBERSHIP_ROLES.map(displayEnum).join(', ')}); ${value} is a custom role`);
    }
    return role.id;
  }

  private allRoles(): Promise<Role[]> {
    this.roles ??= (async () => {
      const out: Role[] = [];
      for await (const role of this.client.roles.iterate()) out.push(role);
      return out;
    })();
    return this.roles;
  }
}
