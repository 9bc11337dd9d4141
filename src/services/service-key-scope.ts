import { type AccessSnapshot, canGrant, check, ORGANIZATION_MEMBERSHIP_GRANTS } from '../access/index.js';
import type { Kysely } from 'kysely';
import { accountRoleWithin } from '../domain/account-roles.js';
import { forbidden, notFound, unprocessable } from '../domain/errors.js';
import { decodeId } from '../domain/ids.js';
import type { Permission } from '../domain/permissions.js';
import { SERVICE_KEY_ROLE_KEYS } from '../domain/predefined-roles.js';
import type { Principal } from '../domain/principal.js';
import { forAccount } from '../store/account-store.js';
import type { Database, RoleRow } from '../store/schema.js';
import { requireVisible } from './authorize.js';
import type { Trx } from './mutation.js';
import { grantedPermissions, resolveRoleAssignment, type RoleAssignmentInput } from './role-assignments.js';

/** What a SERVICE key request asks its bot user to be given (`POST /v2/api-keys`). */
export interface ServiceKeyScopeInput {
  account_role?: RoleAssignmentInput | undefined;
  organizations: {
    org_id: string;
    role?: RoleAssignmentInput | undefined;
    spaces: { space_id: string; role?: RoleAssignmentInput | undefined }[];
  }[];
}

/** The scope with ids decoded, defaults applied and role rows resolved: what the bot user is created with. */
export interface ServiceKeyScope {
  accountRole: 'ADMIN' | 'MEMBER';
  organizations: { id: number; role: RoleRow; spaces: { id: number; role: RoleRow }[] }[];
}

const DEFAULT_ORGANIZATION_ROLE: RoleAssignmentInput = { type: 'PREDEFINED', name: 'READ_ONLY' };
const DEFAULT_SPACE_ROLE: RoleAssignmentInput = { type: 'PREDEFINED', name: 'MEMBER' };
/** The predefined organization and space roles a service key's bot user may hold (one home: the domain). */
const SERVICE_KEY_ROLES: ReadonlySet<string> = new Set(SERVICE_KEY_ROLE_KEYS);

interface RequestedSpace { id: number; field: string; role: RoleAssignmentInput }
interface RequestedOrganization { id: number; field: string; role: RoleAssignmentInput; spaces: RequestedSpace[] }

/**
 * Checks a SERVICE key request against the rules, in this order, and resolves it:
 * 1. the request alone: account role ADMIN or MEMBER, organization roles PREDEFINED ADMIN/MEMBER/READ_ONLY,
 *    space roles not ANNOTATOR, at least one organization each with at least one space, nothing listed twice
 *    (422; a malformed id is 400);
 * 2. against the account: every organization and space exists and is visible to the caller (404), and every
 *    space belongs to the organization it is listed under (422);
 * 3. custom space roles exist in the account (404);
 * 4. the privilege ceiling (403 naming the first permission the caller lacks): account role ADMIN needs an
 *    account admin; on each space the caller needs SERVICE_KEY_CREATE and every permission the space role
 *    carries; on each organization, every permission the organization role grants there and on its
 *    non-private spaces. A bot calling with its own service key is measured the same way.
 */
export async function resolveServiceKeyScope(
  trx: Trx, snapshot: AccessSnapshot, principal: Principal, input: ServiceKeyScopeInput,
): Promise<ServiceKeyScope> {
  const accountRole = requestedAccountRole(input.account_role);
  const requested = requestedOrganizations(input);
  for (const org of requested) {
    requireVisible(snapshot, principal, { type: 'ORGANIZATION', id: org.id });
    for (const space of org.spaces) {
      requireVisible(snapshot, principal, { type: 'SPACE', id: space.id });
      if (snapshot.organizationOf(space.id) !== org.id) {
        throw unprocessable(`${space.field}.space_id: the space belongs to another organization than ${org.field}.org_id`);
      }
    }
  }
  const roles = new RoleResolver(trx, principal.accountId);
  const scope: ServiceKeyScope = { accountRole, organizations: [] };
  for (const org of requested) {
    const spaces = [];
    for (const space of org.spaces) spaces.push({ id: space.id, role: await roles.resolve(space.role, `${space.field}.role`) });
    scope.organizations.push({ id: org.id, role: await roles.resolve(org.role, `${org.field}.role`), spaces });
  }
  await requireWithinCeiling(trx, snapshot, principal, scope);
  return scope;
}

function requestedAccountRole(role: RoleAssignmentInput | undefined): 'ADMIN' | 'MEMBER' {
  if (role === undefined) return 'MEMBER';
  if (role.type === 'PREDEFINED' && (role.name === 'ADMIN' || role.name === 'MEMBER')) return role.name;
  throw unprocessable(`account_role: a service key's bot user takes the PREDEFINED account role ADMIN or MEMBER${
    role.type === 'CUSTOM' ? ' (custom account roles are reserved)' : ''}`);
}

function requestedOrganizations(input: ServiceKeyScopeInput): RequestedOrganization[] {
  if (input.organizations.length === 0) throw unprocessable('organizations: at least one organization is required');
  const orgIds = new Set<number>();
  const spaceIds = new Set<number>();
  return input.organizations.map((org, i) => {
    const field = `organizations[${i}]`;
    const id = decodeId('Organization', org.org_id, `${field}.org_id`);
    if (orgIds.has(id)) throw unprocessable(`${field}.org_id: the organization is listed twice`);
    orgIds.add(id);
    const role = org.role ?? DEFAULT_ORGANIZATION_ROLE;
    if (role.type !== 'PREDEFINED' || !SERVICE_KEY_ROLES.has(role.name)) {
      throw unprocessable(`${field}.role: a service key takes the PREDEFINED organization role ADMIN, MEMBER or READ_ONLY`);
    }
    if (org.spaces.length === 0) throw unprocessable(`${field}.spaces: at least one space is required`);
    const spaces = org.spaces.map((space, j) => {
      const spaceField = `${field}.spaces[${j}]`;
      const spaceId = decodeId('Space', space.space_id, `${spaceField}.space_id`);
      if (spaceIds.has(spaceId)) throw unprocessable(`${spaceField}.space_id: the space is listed twice`);
      spaceIds.add(spaceId);
      const spaceRole = space.role ?? DEFAULT_SPACE_ROLE;
      if (spaceRole.type === 'PREDEFINED' && !SERVICE_KEY_ROLES.has(spaceRole.name)) {
        throw unprocessable(`${spaceField}.role: a service key takes the space role ADMIN, MEMBER, READ_ONLY or a CUSTOM role`);
      }
      return { id: spaceId, field: spaceField, role: spaceRole };
    });
    return { id, field, role, spaces };
  });
}

/** Role rows by assignment, each distinct assignment read once however many spaces name it. */
class RoleResolver {
  readonly #rows = new Map<string, Promise<RoleRow>>();

  constructor(private readonly trx: Trx, private readonly accountId: number) {}

  resolve(assignment: RoleAssignmentInput, field: string): Promise<RoleRow> {
    const key = assignment.type === 'PREDEFINED' ? `P:${assignment.name}` : `C:${assignment.id}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = resolveRoleAssignment(this.trx, this.accountId, assignment, field);
      this.#rows.set(key, row);
    }
    return row;
  }
}

export async function requireWithinCeiling(trx: Trx | Kysely<Database>, snapshot: AccessSnapshot, principal: Principal, scope: ServiceKeyScope): Promise<void> {
  // Never above the creator's own account role: only an account admin gives a bot ADMIN, and an ANNOTATOR (who may
  // still administer an organization) cannot mint a bot with the account role MEMBER, the least a bot takes.
  if (!accountRoleWithin(scope.accountRole, principal.role)) {
    throw forbidden(`account_role: cannot give the key the account role ${scope.accountRole}, which is above your own (${principal.role})`);
  }
  for (const [i, org] of scope.organizations.entries()) {
    for (const [j, space] of org.spaces.entries()) {
      const field = `organizations[${i}].spaces[${j}]`;
      const resource = { type: 'SPACE' as const, id: space.id };
      if (!check(snapshot, principal.userId, 'SERVICE_KEY_CREATE', resource)) {
        throw forbidden(`${field}.space_id: missing permission SERVICE_KEY_CREATE on this space`);
      }
      requireGrantable(snapshot, principal, grantedPermissions(space.role, 'SPACE'), resource, `${field}.role`, 'space');
    }
    // The engine's table, not the domain's: it splits what an organization role grants on the organization
    // itself from what it grants on the organization's non-private spaces (SPACE_READ), and so must the ceiling.
    // A creation's step 1 lets only predefined roles through, but an admin may since have given the bot's organization
    // membership a custom role (POST /v2/organizations/{id}/users): the engine grants that on the organization only.
    const key = org.role.predefined_key;
    const grants = key === null ? { organization: grantedPermissions(org.role, 'ORGANIZATION'), publicSpaces: [] } : ORGANIZATION_MEMBERSHIP_GRANTS[key];
    const field = `organizations[${i}].role`;
    requireGrantable(snapshot, principal, grants.organization, { type: 'ORGANIZATION', id: org.id }, field, 'organization');
    if (grants.publicSpaces.length === 0) continue;
    const publicSpaces = await forAccount(trx, principal.accountId).serviceKeyBots.publicSpaceIds(org.id);
    for (const id of publicSpaces) {
      const resource = { type: 'SPACE' as const, id };
      // A space created after the snapshot was taken is not known to it: the next request will see it.
      if (snapshot.hasResource(resource)) requireGrantable(snapshot, principal, grants.publicSpaces, resource, field, 'organization\'s public spaces');
    }
  }
}

function requireGrantable(
  snapshot: AccessSnapshot, principal: Principal, permissions: readonly Permission[],
  resource: { type: 'ORGANIZATION' | 'SPACE'; id: number }, field: string, where: string,
): void {
  const verdict = canGrant(snapshot, principal.userId, permissions, resource);
  if (!verdict.ok) throw forbidden(`${field}: cannot give the key ${verdict.missing}: you do not hold it on this ${where}`);
}

/** What the caller wants to do with an existing SERVICE key; each needs rights held now, not at creation. */
type ServiceKeyVerb = 'read' | 'revoke' | 'refresh';

const CONTROL_PERMISSION: Record<ServiceKeyVerb, Permission> = { read: 'SERVICE_KEY_READ', revoke: 'SERVICE_KEY_REVOKE', refresh: 'SERVICE_KEY_REVOKE' };

/**
 * The scope a service key's bot user holds today (its account role and its organization and space memberships,
 * role rows resolved): what its creator is measured against again. A space deleted since is simply absent.
 */
export async function currentServiceKeyScope(trx: Trx | Kysely<Database>, accountId: number, botId: number): Promise<ServiceKeyScope> {
  const { role: botRole, organizations: orgs, spaces } = await forAccount(trx, accountId).serviceKeyBots.scope(botId);
  const role = (row: RoleRow): RoleRow => ({
    id: row.id, account_id: row.account_id, name: row.name, description: row.description, permissions: row.permissions,
    predefined_key: row.predefined_key, created_at: row.created_at, updated_at: row.updated_at,
  });
  return {
    accountRole: botRole === 'ADMIN' ? 'ADMIN' : 'MEMBER',
    organizations: orgs.map((org) => ({
      id: org.organization_id,
      role: role(org),
      spaces: spaces.filter((sp) => sp.space_organization_id === org.organization_id).map((sp) => ({ id: sp.space_id, role: role(sp) })),
    })),
  };
}

/** The spaces of a scope. */
function scopeSpaces(scope: ServiceKeyScope): number[] {
  return scope.organizations.flatMap((org) => org.spaces.map((space) => space.id));
}

/**
 * Whether the principal controls a SERVICE key today. Account admins always do. Anyone else needs, on every
 * space of the key, SERVICE_KEY_READ to see it and SERVICE_KEY_REVOKE to revoke or refresh it; a key left with
 * no space is the account admins' alone. Refreshing also passes the privilege ceiling again (the caller holds
 * every permission of the key's roles on each of its spaces and organizations today, as at creation).
 * Who lacks the permission is answered 404, as for a key it cannot see; a failed ceiling is the creation's 403.
 */
export async function requireServiceKeyControl(
  trx: Trx | Kysely<Database>, snapshot: AccessSnapshot, principal: Principal, scope: ServiceKeyScope, verb: ServiceKeyVerb,
): Promise<void> {
  if (principal.role === 'ADMIN') return;
  if (!holdsOnEverySpace(snapshot, principal, scope, CONTROL_PERMISSION[verb]) || !holdsOnEverySpace(snapshot, principal, scope, 'SERVICE_KEY_READ')) {
    throw notFound('API key');
  }
  if (verb === 'refresh') await requireWithinCeiling(trx, snapshot, principal, scope);
}

/** The sync half of requireServiceKeyControl (no ceiling): for filtering lists. */
function holdsOnEverySpace(snapshot: AccessSnapshot, principal: Principal, scope: ServiceKeyScope, permission: Permission): boolean {
  if (principal.role === 'ADMIN') return true;
  const spaces = scopeSpaces(scope);
  return spaces.length > 0 && spaces.every((id) => check(snapshot, principal.userId, permission, { type: 'SPACE', id }));
}
