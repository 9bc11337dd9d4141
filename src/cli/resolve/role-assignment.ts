import type { AxClient } from '../../client/client.js';
import type { PredefinedRoleName, RoleAssignmentRequest } from '../../client/types.js';
import { UsageError } from '../errors/cli-error.js';
import { displayEnum, MEMBERSHIP_ROLES, normalizeEnum } from '../options/enums.js';
import { isResourceId } from './id.js';
import { resolveRole } from './resources.js';

/**
 * A `--role` value: a predefined role (`member`, `READ_ONLY`, …) among `allowed`, a custom role's id, or a role's
 * name (`"Data Scientist"`, or a predefined role's display name such as `Read Only`).
 */
export async function parseRoleAssignment(
  client: AxClient,
  value: string,
  allowed: readonly string[],
  flag: string,
): Promise<RoleAssignmentRequest> {
  const normalized = normalizeEnum(value);
  if (allowed.includes(normalized)) return { type: 'PREDEFINED', name: normalized as PredefinedRoleName };
  const notAllowed = () =>
    new UsageError(`${flag}: ${displayEnum(normalized)} is not allowed here; expected ${allowed.map(displayEnum).join(', ')} or a custom role`);
  if ((MEMBERSHIP_ROLES as readonly string[]).includes(normalized)) throw notAllowed();
  if (isResourceId(value)) return { type: 'CUSTOM', id: value };
  const role = await resolveRole(client, value);
  if (!role.is_predefined) return { type: 'CUSTOM', id: role.id };
  const key = normalizeEnum(role.name);
  if (!allowed.includes(key)) throw notAllowed();
  return { type: 'PREDEFINED', name: key as PredefinedRoleName };
}
