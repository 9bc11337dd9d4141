import type { Kysely } from 'kysely';
import { allowedResources, canGrant, type AccessSnapshot } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, parseId } from '../domain/ids.js';
import { ApiError, conflict, forbidden, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import type { BindingParties, ProvenancedBindingRow } from '../store/repositories/role-bindings.js';
import type { Database, RoleBindingRow, RoleRow } from '../store/schema.js';
import { decodeCursor, toPage } from './pagination.js';
import { requirePermission } from './authorize.js';
import { type Actor, runGrant, runMutation, type Trx } from './mutation.js';
import { rolePermissions } from './role-assignments.js';
import { findRole } from './roles.js';
import { maySee } from './users-lookup.js';
import { grantExpiry, type GrantExpiryInput } from './grant-expiry.js';

type BindingResourceType = 'SPACE' | 'PROJECT';
type BindingResource = { type: 'SPACE'; id: number } | { type: 'PROJECT'; id: number };

const ID_TYPE = { SPACE: 'Space', PROJECT: 'Project' } as const;
const NOUN = { SPACE: 'space', PROJECT: 'project' } as const;
/** Resource ids per query: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

export interface ListRoleBindingsQuery {
  resource_type: BindingResourceType;
  resource_id?: string | undefined;
  user_id?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Bindings of one resource type (optionally of one resource, or one user), by id, keyset-paginated: account admins
 * see all of the account's; everyone else only those on resources where they hold ROLE_BINDING_READ. A
 * `resource_id` of another type than `resource_type` is a 400, as on create; an unknown one gives an empty page.
 */
export async function listRoleBindings(ctx: ServiceDeps, principal: Principal, query: ListRoleBindingsQuery) {
  const scope = 'role-bindings';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const resource = query.resource_id === undefined ? undefined : declaredResource(query.resource_type, query.resource_id);
  const userId = query.user_id === undefined ? undefined : decodeId('User', query.user_id, 'user_id');
  const bindings = forAccount(ctx.store.db, principal.accountId).roleBindings;
  const filter = { resourceType: query.resource_type, userId, after };
  const n = query.limit + 1;
  let rows: RoleBindingRow[];
  if (principal.role === 'ADMIN') {
    rows = await bindings.list({ ...filter, resourceIds: resource === undefined ? undefined : [resource.id], limit: n });
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const readable = allowedResources(snapshot, principal.userId, 'ROLE_BINDING_READ', query.resource_type)
      .filter((id) => resource === undefined || id === resource.id);
    // Each chunk of resources gives its own first n bindings; the page's first n are among their union.
    rows = [];
    for (let i = 0; i < readable.length; i += CHUNK) {
      rows.push(...await bindings.list({ ...filter, resourceIds: readable.slice(i, i + CHUNK), limit: n }));
    }
    rows = rows.sort((a, b) => a.id - b.id).slice(0, n);
  }
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** A binding the principal may read (ROLE_BINDING_READ on its resource): 404 when the resource is invisible. */
export async function getRoleBinding(ctx: ServiceDeps, principal: Principal, bindingId: string): Promise<ProvenancedBindingRow> {
  const row = await findBinding(ctx.store.db, principal.accountId, bindingId);
  const snapshot = await ctx.access.get(principal.accountId);
  requirePermission(snapshot, principal, 'ROLE_BINDING_READ', resourceOf(row));
  return row;
}

export interface CreateRoleBindingInput extends GrantExpiryInput { user_id: string; role_id: string; resource_type: BindingResourceType; resource_id: string }

/**
 * Binds a role (predefined or custom) to a live user of the account on a space or project. The caller needs
 * ROLE_BINDING_CREATE there and must already hold every permission the role carries there (privilege ceiling).
 * One binding per (user, resource): a second one is a 409 whatever its role.
 */
export async function createRoleBinding(ctx: ServiceDeps, actor: Actor, input: CreateRoleBindingInput): Promise<RoleBindingRow> {
  const resource = declaredResource(input.resource_type, input.resource_id);
  const userId = decodeId('User', input.user_id, 'user_id');
  const roleId = decodeId('Role', input.role_id, 'role_id');
  const expiry = grantExpiry(ctx, input);
  const { principal } = actor;
  const confinedTo = { users: [userId] };
  try {
    return await runGrant<RoleBindingRow, BindingParties>(ctx, actor, async (trx, changes, snapshot, parties) => {
      requirePermission(snapshot, principal, 'ROLE_BINDING_CREATE', resource);
      // The user's 404 comes before the role's.
      if (parties.userId === undefined || !maySee(principal, parties.userId, parties.sharesAnOrganization)) throw notFound('user');
      const role = parties.role;
      if (!role) throw notFound('role');
      requireCeiling(snapshot, principal, role, resource);
      const row = await forAccount(trx, principal.accountId).roleBindings.create({ userId, roleId, resource, now: isoNow(ctx.clock), ...expiry });
      changes.patchAccess({ op: 'upsertBinding', binding: {
        id: row.id, userId: row.user_id, roleId: row.role_id, resourceType: resource.type, resourceId: resource.id, expiresAt: row.expires_at,
      } });
      return row;
    }, {
      confinedTo,
      // The user and the role are read with the access version the grant holds: one statement on PostgreSQL.
      heldRead: async (trx) => {
        const held = await forAccount(trx, principal.accountId).roleBindings.partiesHeld(userId, roleId, principal.userId);
        return { accessVersion: held.accessVersion, read: held.parties };
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict(`the user already has a role binding on this ${NOUN[resource.type]}; change its role with PATCH /v2/role-bindings/{binding_id}`,
        'role binding already exists');
    }
    // The user, role or resource went away while we worked (a concurrent delete).
    if (isForeignKeyViolation(error)) throw notFound(NOUN[resource.type]);
    throw error;
  }
}

/** Changes a binding's role: ROLE_BINDING_CREATE on its resource and the same privilege ceiling as a create. */
export async function updateRoleBinding(ctx: ServiceDeps, actor: Actor, bindingId: string, input: { role_id: string }): Promise<RoleBindingRow> {
  const { principal } = actor;
  const binding = await findBinding(ctx.store.db, principal.accountId, bindingId);
  decodeId('Role', input.role_id, 'role_id');
  const resource = resourceOf(binding);
  try {
    // A role change may lower the user's rights as well as raise them: it both takes away and grants.
    return await runGrant(ctx, actor, async (trx, changes, snapshot) => {
      requirePermission(snapshot, principal, 'ROLE_BINDING_CREATE', resource);
      const role = await findRole(trx, principal.accountId, input.role_id);
      requireCeiling(snapshot, principal, role, resource);
      const row = await forAccount(trx, principal.accountId).roleBindings.changeRole(binding.id, role.id, isoNow(ctx.clock));
      if (!row) throw notFound('role binding');
      changes.patchAccess({ op: 'upsertBinding', binding: {
        id: row.id, userId: row.user_id, roleId: row.role_id, resourceType: resource.type, resourceId: resource.id, expiresAt: row.expires_at,
      } });
      return row;
    }, { alsoTakesAway: true, confinedTo: { users: [binding.user_id] } });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound('role');
    throw error;
  }
}

export async function deleteRoleBinding(ctx: ServiceDeps, actor: Actor, bindingId: string): Promise<void> {
  const { principal } = actor;
  const binding = await findBinding(ctx.store.db, principal.accountId, bindingId);
  const snapshot = await ctx.access.get(principal.accountId);
  requirePermission(snapshot, principal, 'ROLE_BINDING_DELETE', resourceOf(binding));
  await runMutation(ctx, actor, async (trx, changes) => {
    if (!await forAccount(trx, principal.accountId).roleBindings.delete(binding.id)) throw notFound('role binding');
    changes.patchAccess({ op: 'removeBinding', id: binding.id });
  }, { confinedTo: { users: [binding.user_id] } });
}

/** The resource a binding sits on. */
export function resourceOf(row: Pick<RoleBindingRow, 'resource_type' | 'space_id' | 'project_id'>): BindingResource {
  return row.resource_type === 'SPACE' ? { type: 'SPACE', id: row.space_id! } : { type: 'PROJECT', id: row.project_id! };
}

async function findBinding(db: Trx | Kysely<Database>, accountId: number, bindingId: string): Promise<ProvenancedBindingRow> {
  const id = decodeId('RoleBinding', bindingId, 'binding_id');
  const row = await forAccount(db, accountId).roleBindings.find(id);
  if (!row) throw notFound('role binding');
  return row;
}

/** `resource_id` must be an id of the type `resource_type` declares (Arize answers 400 "invalid resource_type"). */
function declaredResource(type: BindingResourceType, resourceId: string): BindingResource {
  const parsed = parseId(resourceId);
  if (!parsed) throw new ApiError('INVALID_ID', `resource_id is not a valid id: ${JSON.stringify(resourceId.slice(0, 100))}`);
  if (parsed.type !== ID_TYPE[type]) {
    throw new ApiError('RESOURCE_TYPE_MISMATCH', `resource_id is a ${parsed.type} id, but resource_type ${type} needs a ${ID_TYPE[type]} id`);
  }
  return { type, id: parsed.n };
}

/** No escalation: the caller must already hold on the resource every permission the role carries. */
function requireCeiling(snapshot: AccessSnapshot, principal: Principal, role: Pick<RoleRow, 'name' | 'predefined_key' | 'permissions'>, resource: BindingResource): void {
  const verdict = canGrant(snapshot, principal.userId, rolePermissions(role), resource);
  if (!verdict.ok) {
    throw forbidden(`cannot bind role ${JSON.stringify(role.name)}: it carries ${verdict.missing}, which you do not hold on this ${NOUN[resource.type]}`);
  }
}
