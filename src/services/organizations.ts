import { allowedResources, canGrant } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, encodeId } from '../domain/ids.js';
import { conflict, forbidden, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { grantExpiry, type GrantExpiryInput } from './grant-expiry.js';
import type { ServiceDeps } from './service-deps.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import type { OrganizationRow, RoleRow } from '../store/schema.js';
import { decodeCursor, toPage } from './pagination.js';
import { requireAccountAdmin, requirePermission, requireVisible } from './authorize.js';
import { confinedToUser } from './dry-run.js';
import { type Actor, runGrant, runMutation } from './mutation.js';
import { type DeleteCascade, runDelete } from './delete-cascade.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { grantedPermissions, presentRoleAssignment, resolveRoleAssignment, type RoleAssignmentInput } from './role-assignments.js';
import { releaseFromMappings } from './sso/mapping-references.js';
import { findLiveUser } from './users-lookup.js';

export interface ListOrganizationsQuery { name?: string | undefined; limit: number; cursor?: string | undefined }

/** Organizations the principal may read (account admins: all of the account's), by id, keyset-paginated. */
export async function listOrganizations(ctx: ServiceDeps, principal: Principal, query: ListOrganizationsQuery) {
  const scope = 'organizations';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const snapshot = await ctx.access.get(principal.accountId);
  const ids = principal.role === 'ADMIN' ? undefined : allowedResources(snapshot, principal.userId, 'ORGANIZATION_READ', 'ORGANIZATION');
  const rows = await forAccount(ctx.store.db, principal.accountId).organizations.list({ ids, name: query.name, after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export async function getOrganization(ctx: ServiceDeps, principal: Principal, orgId: string): Promise<OrganizationRow> {
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'ORGANIZATION', id });
  const row = await ctx.rows.read(principal.accountId, `organization:${id}`, () => forAccount(ctx.store.db, principal.accountId).organizations.find(id));
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
  const rows = await forAccount(ctx.store.db, principal.accountId).organizations.listMembers(id, { after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

export async function createOrganization(ctx: ServiceDeps, actor: Actor, input: { name: string; description?: string | undefined }) {
  requireAccountAdmin(actor.principal, 'create organizations');
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).organizations.create({ name: input.name, description: input.description ?? '', now: isoNow(ctx.clock) });
      changes.patchAccess({ op: 'upsertOrganization', organization: { id: row.id, name: row.name } });
      return row;
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
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).organizations.update(id, {
        name: input.name,
        description: input.description === undefined ? undefined : input.description ?? '',
        now: isoNow(ctx.clock),
      });
      if (!row) throw notFound('organization');
      changes.patchAccess({ op: 'upsertOrganization', organization: { id: row.id, name: row.name } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`an organization named ${JSON.stringify(input.name)} already exists`);
    throw error;
  }
}

/**
 * Deletes the organization; its spaces, projects, memberships and bindings go with it (foreign-key cascades).
 * A dry run answers what would go and changes nothing.
 */
export async function deleteOrganization(ctx: ServiceDeps, actor: Actor, orgId: string, options: { dryRun: boolean } = { dryRun: false }): Promise<DeleteCascade | undefined> {
  const id = decodeId('Organization', orgId, 'org_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'ORGANIZATION_DELETE', { type: 'ORGANIZATION', id });
  return runDelete(ctx, actor, options.dryRun, async (trx, changes) => {
    await releaseFromMappings(ctx, trx, actor, changes, { type: 'ORGANIZATION', id });
    if (!await forAccount(trx, actor.principal.accountId).organizations.delete(id)) throw notFound('organization');
    changes?.patchAccess({ op: 'removeOrganization', id });
  });
}

/**
 * Adds a member or changes its role (upsert). The caller needs ORGANIZATION_UPDATE on the organization and
 * must already hold every permission the role grants there (privilege ceiling), decided on rights current inside
 * the transaction. A role change may also lower the member's rights.
 */
export async function addOrganizationMember(ctx: ServiceDeps, actor: Actor, orgId: string, input: { user_id: string; role: RoleAssignmentInput } & GrantExpiryInput) {
  const id = decodeId('Organization', orgId, 'org_id');
  const expiry = grantExpiry(ctx, input);
  const { principal } = actor;
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    requirePermission(snapshot, principal, 'ORGANIZATION_UPDATE', { type: 'ORGANIZATION', id });
    const user = await findLiveUser(trx, principal.accountId, input.user_id);
    const role: RoleRow = await resolveRoleAssignment(trx, principal.accountId, input.role);
    const ceiling = canGrant(snapshot, principal.userId, grantedPermissions(role, 'ORGANIZATION'), { type: 'ORGANIZATION', id });
    if (!ceiling.ok) throw forbidden(`cannot grant a role with ${ceiling.missing}: you do not hold it on this organization`);
    const now = isoNow(ctx.clock);
    const row = await forAccount(trx, principal.accountId).organizations.upsertMember({ organizationId: id, userId: user.id, roleId: role.id, now, ...expiry });
    changes.user(user.id);
    changes.patchAccess({ op: 'upsertOrganizationMembership', membership: { userId: user.id, organizationId: id, roleId: role.id, expiresAt: row.expires_at } });
    return {
      id: encodeId('OrganizationMembership', row.id), organization_id: encodeId('Organization', id),
      user_id: encodeId('User', user.id), role: presentRoleAssignment(role), source: row.source,
      ...(row.expires_at === null ? {} : { expires_at: row.expires_at }), ...(row.reason === null ? {} : { reason: row.reason }),
    };
  }, { alsoTakesAway: true, confinedTo: confinedToUser(input.user_id) });
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
    const store = forAccount(trx, principal.accountId);
    if (!await store.organizations.removeMember(id, uid)) throw notFound('organization membership');
    const cascade = await store.memberships.afterOrganizationMembership(uid, id);
    changes.user(uid);
    changes.patchAccess({ op: 'removeOrganizationMembership', userId: uid, organizationId: id });
    return { personId: uid, reach: { organizationId: id }, counts: { organizationMemberships: 1, ...cascade, userKeysRevoked: 0 } };
  }, { users: [uid] });
}
