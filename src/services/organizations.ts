import { allowedResources, canGrant } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, encodeId } from '../domain/ids.js';
import { conflict, forbidden, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { OrganizationRow, RoleRow } from '../store/schema.js';
import { containsInsensitive } from '../store/text-filter.js';
import { decodeCursor, toPage } from './pagination.js';
import { requireAccountAdmin, requirePermission, requireVisible } from './authorize.js';
import { cascadeOrganizationMembershipRemoval } from './membership-cascades.js';
import { type Actor, runGrant, runMutation } from './mutation.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { grantedPermissions, presentRoleAssignment, resolveRoleAssignment, type RoleAssignmentInput } from './role-assignments.js';
import { findLiveUser } from './users-lookup.js';

export interface ListOrganizationsQuery { name?: string | undefined; limit: number; cursor?: string | undefined }

/** Organizations the principal may read (account admins: all of the account's), by id, keyset-paginated. */
export async function listOrganizations(ctx: ServiceDeps, principal: Principal, query: ListOrganizationsQuery) {
  const scope = 'organizations';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const snapshot = await ctx.access.get(principal.accountId);
  let q = ctx.store.db.selectFrom('organizations').selectAll().where('account_id', '=', principal.accountId);
  if (principal.role !== 'ADMIN') {
    const visible = allowedResources(snapshot, principal.userId, 'ORGANIZATION_READ', 'ORGANIZATION');
    if (visible.length === 0) return toPage(ctx.secrets.cursorKey, scope, [] as OrganizationRow[], query.limit, (r) => r.id, (r) => r);
    q = q.where('id', 'in', visible);
  }
  if (query.name) q = q.where(containsInsensitive('name', query.name));
  if (after !== undefined) q = q.where('id', '>', after);
  const rows = await q.orderBy('id').limit(query.limit + 1).execute();
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export async function getOrganization(ctx: ServiceDeps, principal: Principal, orgId: string): Promise<OrganizationRow> {
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'ORGANIZATION', id });
  const row = await ctx.store.db.selectFrom('organizations').selectAll().where('id', '=', id)
    .where('account_id', '=', principal.accountId).executeTakeFirst();
  if (!row) throw notFound('organization');
  return row;
}

/**
 * Live members of the organization, bots included, by membership id, keyset-paginated. Beyond Arize's surface
 * (the console needs it); the caller needs ORGANIZATION_READ there, else 404.
 */
export async function listOrganizationMembers(ctx: ServiceDeps, principal: Principal, orgId: string, query: { limit: number; cursor?: string | undefined }) {
  const scope = 'organization-members';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'ORGANIZATION', id });
  let q = ctx.store.db.selectFrom('organization_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
    .select(['m.id', 'm.organization_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key'])
    .where('m.organization_id', '=', id).where('m.account_id', '=', principal.accountId).where('u.deleted_at', 'is', null);
  if (after !== undefined) q = q.where('m.id', '>', after);
  const rows = await q.orderBy('m.id').limit(query.limit + 1).execute();
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export async function createOrganization(ctx: ServiceDeps, actor: Actor, input: { name: string; description?: string | undefined }) {
  requireAccountAdmin(actor.principal, 'create organizations');
  try {
    return await runMutation(ctx, actor, async (trx) => {
      const now = isoNow(ctx.clock);
      return trx.insertInto('organizations').values({
        account_id: actor.principal.accountId, name: input.name, description: input.description ?? '', created_at: now, updated_at: now,
      }).returningAll().executeTakeFirstOrThrow();
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`an organization named ${JSON.stringify(input.name)} already exists`);
    throw error;
  }
}

export async function updateOrganization(ctx: ServiceDeps, actor: Actor, orgId: string, input: { name?: string | undefined; description?: string | null | undefined }) {
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'ORGANIZATION_UPDATE', { type: 'ORGANIZATION', id });
  try {
    return await runMutation(ctx, actor, async (trx) => {
      const row = await trx.updateTable('organizations').set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description ?? '' } : {}),
        updated_at: isoNow(ctx.clock),
      }).where('id', '=', id).where('account_id', '=', actor.principal.accountId).returningAll().executeTakeFirst();
      if (!row) throw notFound('organization');
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`an organization named ${JSON.stringify(input.name)} already exists`);
    throw error;
  }
}

/** Deletes the organization; its spaces, projects, memberships and bindings go with it (foreign-key cascades). */
export async function deleteOrganization(ctx: ServiceDeps, actor: Actor, orgId: string): Promise<void> {
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'ORGANIZATION_DELETE', { type: 'ORGANIZATION', id });
  await runMutation(ctx, actor, async (trx) => {
    const deleted = await trx.deleteFrom('organizations').where('id', '=', id).where('account_id', '=', actor.principal.accountId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('organization');
  });
}

/**
 * Adds a member or changes its role (upsert). The caller needs ORGANIZATION_UPDATE on the organization and
 * must already hold every permission the role grants there (privilege ceiling), decided on rights current inside
 * the transaction. A role change may also lower the member's rights.
 */
export async function addOrganizationMember(ctx: ServiceDeps, actor: Actor, orgId: string, input: { user_id: string; role: RoleAssignmentInput }) {
  const id = decodeId('Organization', orgId, 'org_id');
  const { principal } = actor;
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    requirePermission(snapshot, principal, 'ORGANIZATION_UPDATE', { type: 'ORGANIZATION', id });
    const user = await findLiveUser(trx, principal.accountId, input.user_id);
    const role: RoleRow = await resolveRoleAssignment(trx, principal.accountId, input.role);
    const ceiling = canGrant(snapshot, principal.userId, grantedPermissions(role, 'ORGANIZATION'), { type: 'ORGANIZATION', id });
    if (!ceiling.ok) throw forbidden(`cannot grant a role with ${ceiling.missing}: you do not hold it on this organization`);
    const now = isoNow(ctx.clock);
    const row = await trx.insertInto('organization_memberships').values({
      account_id: principal.accountId, organization_id: id, user_id: user.id, role_id: role.id, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ role_id: role.id, updated_at: now }))
      .returningAll().executeTakeFirstOrThrow();
    changes.user(user.id);
    return {
      id: encodeId('OrganizationMembership', row.id), organization_id: encodeId('Organization', id),
      user_id: encodeId('User', user.id), role: presentRoleAssignment(role),
    };
  }, { alsoTakesAway: true });
}

/**
 * Removes a member, and with it the user's memberships in the organization's spaces and its bindings there.
 * The service keys the user created that reach the organization are reported, and kept, revoked or rotated as
 * asked (see runRemoval); undefined unless a dry run or a rotation has something to answer.
 */
export async function removeOrganizationMember(
  ctx: ServiceDeps, actor: Actor, orgId: string, userId: string, options: RemovalOptions = { dryRun: false, serviceKeys: 'keep' },
): Promise<RemovalCascade | undefined> {
  const id = decodeId('Organization', orgId, 'org_id');
  const uid = decodeId('User', userId, 'user_id');
  const { principal } = actor;
  return runRemoval(ctx, actor, options, async (trx, changes, snapshot) => {
    requirePermission(snapshot, principal, 'ORGANIZATION_UPDATE', { type: 'ORGANIZATION', id });
    const removed = await trx.deleteFrom('organization_memberships').where('organization_id', '=', id).where('user_id', '=', uid)
      .where('account_id', '=', principal.accountId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound('organization membership');
    const cascade = await cascadeOrganizationMembershipRemoval(trx, uid, id);
    changes.user(uid);
    return { personId: uid, reach: { organizationId: id }, counts: { organizationMemberships: 1, ...cascade, userKeysRevoked: 0 } };
  });
}
