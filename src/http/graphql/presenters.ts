import { encodeId } from '../../domain/ids.js';
import type { ListedUser } from '../../services/users.js';
import type { ApiKeyRow, AuditLogRow, OrganizationRow, ProjectRow, RoleRow, SpaceRow } from '../../store/schema.js';
import { presentApiKey } from '../presenters/api-keys.js';
import { presentAuditLog } from '../presenters/audit-logs.js';
import { presentOrganization } from '../presenters/organizations.js';
import { presentProject } from '../presenters/projects.js';
import { presentRole } from '../presenters/roles.js';
import { presentSpace } from '../presenters/spaces.js';
import { presentUser } from '../presenters/users.js';
import { toGraphqlEnum } from './enums.js';

/**
 * Rows as GraphQL objects. Every id comes from the REST presenter of the same row, so it is the REST id by
 * construction; the row numbers of related objects ride along (`…N`) for the nested fields' loaders.
 */
export function gqlOrganization(row: OrganizationRow) {
  const wire = presentOrganization(row);
  return { __typename: 'AccountOrganization' as const, n: row.id, id: wire.id, name: wire.name, description: wire.description, createdAt: wire.created_at };
}
export type GqlOrganization = ReturnType<typeof gqlOrganization>;

export function gqlSpace(row: SpaceRow) {
  const wire = presentSpace(row);
  return {
    __typename: 'Space' as const, n: row.id, id: wire.id, name: wire.name, description: wire.description, private: wire.is_private,
    createdAt: wire.created_at, organizationN: row.organization_id, organizationId: wire.organization_id,
  };
}
export type GqlSpace = ReturnType<typeof gqlSpace>;

export function gqlProject(row: ProjectRow) {
  const wire = presentProject(row);
  return { __typename: 'Project' as const, n: row.id, id: wire.id, name: wire.name, spaceId: wire.space_id, createdAt: wire.created_at };
}
export type GqlProject = ReturnType<typeof gqlProject>;

export function gqlUser(row: ListedUser) {
  const wire = presentUser(row);
  return {
    __typename: 'User' as const, n: row.id, id: wire.id, email: wire.email, name: wire.name, role: toGraphqlEnum(row.role),
    status: toGraphqlEnum(wire.status), isDeveloper: wire.is_developer, createdAt: wire.created_at, deactivatedAt: row.deactivated_at ?? null,
  };
}

export function gqlRole(row: RoleRow) {
  const wire = presentRole(row);
  return {
    __typename: 'Role' as const, n: row.id, id: wire.id, name: wire.name, description: wire.description ?? null,
    permissions: wire.permissions, isPredefined: wire.is_predefined,
  };
}

export function gqlApiKey(row: ApiKeyRow, now: string) {
  const wire = presentApiKey(row, now);
  return {
    __typename: 'ApiKey' as const, n: row.id, id: wire.id, name: wire.name, description: wire.description ?? null,
    keyType: toGraphqlEnum(wire.key_type), status: toGraphqlEnum(wire.status), redactedKey: wire.redacted_key,
    createdByN: row.created_by_user_id, createdAt: wire.created_at, expiresAt: wire.expires_at ?? null, lastUsedAt: wire.last_used_at ?? null,
  };
}
export type GqlApiKey = ReturnType<typeof gqlApiKey>;

export function gqlAuditLog(row: AuditLogRow) {
  const wire = presentAuditLog(row);
  return {
    __typename: 'AuditLog' as const, n: row.id, id: wire.id, userN: row.user_id, ip: wire.ip, operationType: toGraphqlEnum(wire.operation_type),
    operationName: wire.operation_name ?? null, operationText: wire.operation_text ?? null, variables: wire.variables ?? null, createdAt: wire.created_at,
  };
}
export type GqlAuditLog = ReturnType<typeof gqlAuditLog>;

/** A role held through a membership: `role` when predefined, else the custom role's row number. */
export interface HeldRole { predefinedKey: string | null; roleN: number }

function heldRole(held: HeldRole) {
  return { role: held.predefinedKey === null ? null : toGraphqlEnum(held.predefinedKey), customRoleN: held.predefinedKey === null ? held.roleN : null };
}

/** A membership row of a member list or of a grant: the membership, its user and its role. */
export function gqlMembership(
  typename: 'SpaceMembership' | 'AccountOrganizationUser', id: string, userN: number, parentN: number, held: HeldRole,
) {
  return { __typename: typename, id, userN, parentN, ...heldRole(held) };
}
export type GqlMembership = ReturnType<typeof gqlMembership>;

/** A row of the space member list (`listSpaceMembers`) as a SpaceMembership. */
export function gqlSpaceMembership(row: { id: number; space_id: number; user_id: number; predefined_key: string | null; role_id: number }) {
  return gqlMembership('SpaceMembership', encodeId('SpaceMembership', row.id), row.user_id, row.space_id, { predefinedKey: row.predefined_key, roleN: row.role_id });
}

/** A row of the organization member list (`listOrganizationMembers`) as an AccountOrganizationUser. */
export function gqlOrganizationUser(row: { id: number; organization_id: number; user_id: number; predefined_key: string | null; role_id: number }) {
  return gqlMembership('AccountOrganizationUser', encodeId('OrganizationMembership', row.id), row.user_id, row.organization_id,
    { predefinedKey: row.predefined_key, roleN: row.role_id });
}

/** One user with access to a space, and the role through which it has it. */
export function gqlSpaceUser(userN: number, held: HeldRole | undefined, permissions: readonly string[]) {
  return { userN, ...(held ? heldRole(held) : { role: null, customRoleN: null }), permissions };
}
export type GqlSpaceUser = ReturnType<typeof gqlSpaceUser>;

export function viewerId(userN: number): string {
  return Buffer.from(`Viewer:${userN}`, 'utf8').toString('base64');
}

export function accountId(n: number): string {
  return encodeId('Account', n);
}
