import { allowedResources, canGrant } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, encodeId } from '../domain/ids.js';
import { conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import type { SpaceRow } from '../store/schema.js';
import { containsInsensitive } from '../store/text-filter.js';
import { decodeCursor, toPage } from './pagination.js';
import { requirePermission, requireVisible } from './authorize.js';
import { cascadeSpaceMembershipRemoval } from './membership-cascades.js';
import { type Actor, runGrant, runMutation } from './mutation.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { grantedPermissions, presentRoleAssignment, resolveRoleAssignment, type RoleAssignmentInput } from './role-assignments.js';
import { findLiveUser } from './users-lookup.js';
import { fetchVisibleRows } from './visible-rows.js';

export interface ListSpacesQuery { org_id?: string | undefined; name?: string | undefined; limit: number; cursor?: string | undefined }

/**
 * Spaces the principal may read (account admins: all of the account's), by id, keyset-paginated. Private spaces
 * reach only their members and admins: the engine's SPACE_READ decides. An unknown `org_id` filters to nothing.
 */
export async function listSpaces(ctx: ServiceDeps, principal: Principal, query: ListSpacesQuery) {
  const scope = 'spaces';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const orgId = query.org_id === undefined ? undefined : decodeId('Organization', query.org_id, 'org_id');
  const filtered = () => {
    let q = ctx.store.db.selectFrom('spaces').selectAll().where('account_id', '=', principal.accountId);
    if (orgId !== undefined) q = q.where('organization_id', '=', orgId);
    if (query.name) q = q.where(containsInsensitive('name', query.name));
    return q.orderBy('id');
  };
  let rows: SpaceRow[];
  if (principal.role === 'ADMIN') {
    rows = await (after === undefined ? filtered() : filtered().where('id', '>', after)).limit(query.limit + 1).execute();
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const visible = allowedResources(snapshot, principal.userId, 'SPACE_READ', 'SPACE')
      .filter((id) => orgId === undefined || snapshot.organizationOf(id) === orgId);
    rows = await fetchVisibleRows(visible, after, query.limit, (ids, n) => filtered().where('id', 'in', ids).limit(n).execute());
  }
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export async function getSpace(ctx: ServiceDeps, principal: Principal, spaceId: string): Promise<SpaceRow> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'SPACE', id });
  const row = await ctx.store.db.selectFrom('spaces').selectAll().where('id', '=', id)
    .where('account_id', '=', principal.accountId).executeTakeFirst();
  if (!row) throw notFound('space');
  return row;
}

/**
 * Live members of the space, bots included, by membership id, keyset-paginated. Beyond Arize's surface (the
 * console needs it); the caller needs SPACE_READ there, else 404.
 */
export async function listSpaceMembers(ctx: ServiceDeps, principal: Principal, spaceId: string, query: { limit: number; cursor?: string | undefined }) {
  const scope = 'space-members';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'SPACE', id });
  let q = ctx.store.db.selectFrom('space_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
    .select(['m.id', 'm.space_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key'])
    .where('m.space_id', '=', id).where('m.account_id', '=', principal.accountId).where('u.deleted_at', 'is', null);
  if (after !== undefined) q = q.where('m.id', '>', after);
  const rows = await q.orderBy('m.id').limit(query.limit + 1).execute();
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export interface CreateSpaceInput { name: string; organization_id: string; description?: string | undefined; is_private?: boolean | undefined }

/**
 * Creates a space in an organization (SPACE_CREATE there). A creator who is not already an admin of every space
 * of the organization becomes the new space's ADMIN member: otherwise an organization MEMBER who creates a
 * private space could not see it afterwards.
 */
export async function createSpace(ctx: ServiceDeps, actor: Actor, input: CreateSpaceInput): Promise<SpaceRow> {
  const orgId = decodeId('Organization', input.organization_id, 'organization_id');
  const { principal } = actor;
  try {
    // Its creator may become the space's ADMIN: a grant, decided on rights current inside the transaction.
    return await runGrant(ctx, actor, async (trx, changes, snapshot) => {
      requirePermission(snapshot, principal, 'SPACE_CREATE', { type: 'ORGANIZATION', id: orgId });
      const adminAbove = canGrant(snapshot, principal.userId, PREDEFINED_ROLES.ADMIN.permissions, { type: 'ORGANIZATION', id: orgId }).ok;
      const now = isoNow(ctx.clock);
      const row = await trx.insertInto('spaces').values({
        account_id: principal.accountId, organization_id: orgId, name: input.name, description: input.description ?? '',
        is_private: input.is_private ? 1 : 0, created_at: now, updated_at: now,
      }).returningAll().executeTakeFirstOrThrow();
      if (!adminAbove) {
        const admin = await trx.selectFrom('roles').select('id').where('account_id', '=', principal.accountId)
          .where('predefined_key', '=', 'ADMIN').executeTakeFirstOrThrow();
        await trx.insertInto('space_memberships').values({
          account_id: principal.accountId, space_id: row.id, user_id: principal.userId, role_id: admin.id, created_at: now, updated_at: now,
        }).execute();
        changes.user(principal.userId);
      }
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a space named ${JSON.stringify(input.name)} already exists in this organization`);
    if (isForeignKeyViolation(error)) throw notFound('organization');
    throw error;
  }
}

export interface UpdateSpaceInput { name?: string | undefined; description?: string | null | undefined; is_private?: boolean | undefined }

export async function updateSpace(ctx: ServiceDeps, actor: Actor, spaceId: string, input: UpdateSpaceInput): Promise<SpaceRow> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'SPACE_UPDATE', { type: 'SPACE', id });
  try {
    return await runMutation(ctx, actor, async (trx) => {
      const row = await trx.updateTable('spaces').set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description ?? '' } : {}),
        ...(input.is_private !== undefined ? { is_private: input.is_private ? 1 : 0 } : {}),
        updated_at: isoNow(ctx.clock),
      }).where('id', '=', id).where('account_id', '=', actor.principal.accountId).returningAll().executeTakeFirst();
      if (!row) throw notFound('space');
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a space named ${JSON.stringify(input.name)} already exists in this organization`);
    throw error;
  }
}

/**
 * Deletes the space; its projects (with their restrictions and bindings), memberships — bots' included — and
 * SPACE bindings go with it (foreign-key cascades).
 */
export async function deleteSpace(ctx: ServiceDeps, actor: Actor, spaceId: string): Promise<void> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'SPACE_DELETE', { type: 'SPACE', id });
  await runMutation(ctx, actor, async (trx) => {
    const deleted = await trx.deleteFrom('spaces').where('id', '=', id).where('account_id', '=', actor.principal.accountId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('space');
  });
}

/**
 * Adds a member or changes its role (upsert). The user must already be a member of the space's organization
 * (422); the caller needs SPACE_UPDATE on the space and must hold every permission the role carries there
 * (privilege ceiling), decided on rights current inside the transaction. A role change may also lower rights.
 */
export async function addSpaceMember(ctx: ServiceDeps, actor: Actor, spaceId: string, input: { user_id: string; role: RoleAssignmentInput }) {
  const id = decodeId('Space', spaceId, 'space_id');
  const { principal } = actor;
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    requirePermission(snapshot, principal, 'SPACE_UPDATE', { type: 'SPACE', id });
    const space = await trx.selectFrom('spaces').select(['id', 'organization_id']).where('id', '=', id)
      .where('account_id', '=', principal.accountId).executeTakeFirst();
    if (!space) throw notFound('space');
    const user = await findLiveUser(trx, principal.accountId, input.user_id);
    const role = await resolveRoleAssignment(trx, principal.accountId, input.role);
    const ceiling = canGrant(snapshot, principal.userId, grantedPermissions(role, 'SPACE'), { type: 'SPACE', id });
    if (!ceiling.ok) throw forbidden(`cannot grant a role with ${ceiling.missing}: you do not hold it on this space`);
    const orgMember = await trx.selectFrom('organization_memberships').select('id')
      .where('organization_id', '=', space.organization_id).where('user_id', '=', user.id).executeTakeFirst();
    if (!orgMember) throw unprocessable('user_id: the user is not a member of the space\'s organization; add them to the organization first');
    const now = isoNow(ctx.clock);
    const row = await trx.insertInto('space_memberships').values({
      account_id: principal.accountId, space_id: id, user_id: user.id, role_id: role.id, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['space_id', 'user_id']).doUpdateSet({ role_id: role.id, updated_at: now }))
      .returningAll().executeTakeFirstOrThrow();
    changes.user(user.id);
    return {
      id: encodeId('SpaceMembership', row.id), space_id: encodeId('Space', id),
      user_id: encodeId('User', user.id), role: presentRoleAssignment(role),
    };
  }, { alsoTakesAway: true });
}

/**
 * Removes a member, and with it the user's role bindings on the space and on its projects. The service keys the
 * user created that reach the space are reported, and kept, revoked or rotated as asked (see runRemoval).
 */
export async function removeSpaceMember(
  ctx: ServiceDeps, actor: Actor, spaceId: string, userId: string, options: RemovalOptions = { dryRun: false, serviceKeys: 'keep' },
): Promise<RemovalCascade | undefined> {
  const id = decodeId('Space', spaceId, 'space_id');
  const uid = decodeId('User', userId, 'user_id');
  const { principal } = actor;
  return runRemoval(ctx, actor, options, async (trx, changes, snapshot) => {
    requirePermission(snapshot, principal, 'SPACE_UPDATE', { type: 'SPACE', id });
    const removed = await trx.deleteFrom('space_memberships').where('space_id', '=', id).where('user_id', '=', uid)
      .where('account_id', '=', principal.accountId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound('space membership');
    const cascade = await cascadeSpaceMembershipRemoval(trx, uid, id);
    changes.user(uid);
    return { personId: uid, reach: { spaceId: id }, counts: { organizationMemberships: 0, spaceMemberships: 1, roleBindings: cascade.roleBindings, userKeysRevoked: 0 } };
  });
}
