import { type AccessSnapshot, allowedResources, canGrant } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, encodeId } from '../domain/ids.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { PREDEFINED_ROLES } from '../domain/predefined-roles.js';
import type { Principal } from '../domain/principal.js';
import { grantExpiry, type GrantExpiryInput } from './grant-expiry.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import type { AccessChange } from '../store/change-feed.js';
import type { SpaceRow } from '../store/schema.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { requirePermission, requireVisible } from './authorize.js';
import { confinedToUser } from './dry-run.js';
import { type Actor, type ChangeSet, runGrant, runMutation, type Trx } from './mutation.js';
import { type DeleteCascade, runDelete } from './delete-cascade.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { grantedPermissions, presentRoleAssignment, resolveRoleAssignment, type RoleAssignmentInput } from './role-assignments.js';
import { releaseFromMappings } from './sso/mapping-references.js';
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
  const spaces = forAccount(ctx.store.db, principal.accountId).spaces;
  const filter = { organizationId: orgId, name: query.name };
  let rows: SpaceRow[];
  if (principal.role === 'ADMIN') {
    rows = await spaces.list({ ...filter, after, limit: query.limit + 1 });
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const visible = allowedResources(snapshot, principal.userId, 'SPACE_READ', 'SPACE')
      .filter((id) => orgId === undefined || snapshot.organizationOf(id) === orgId);
    rows = await fetchVisibleRows(visible, after, query.limit, (ids, n) => spaces.list({ ...filter, ids, limit: n }));
  }
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** Organizations per statement of listSpacesOfOrganizations, and visible space ids per statement (see visible-rows.ts). */
const CHUNK = 1000;

/**
 * The first page of `listSpaces` with `org_id` for each of several organizations (by row number), in one read per
 * 1,000 organizations (GraphQL's `AccountOrganization.spaces` on a page of organizations): the same visibility, the
 * same keyset cursors. Keyed by organization.
 */
export async function listSpacesOfOrganizations(
  ctx: ServiceDeps, principal: Principal, organizationIds: readonly number[], query: { name?: string | undefined; limit: number },
): Promise<Map<number, Page<SpaceRow>>> {
  const scope = 'spaces';
  const wanted = [...new Set(organizationIds)];
  const spaces = forAccount(ctx.store.db, principal.accountId).spaces;
  let visible: number[] | undefined;
  if (principal.role !== 'ADMIN') {
    const snapshot = await ctx.access.get(principal.accountId);
    const orgs = new Set(wanted);
    visible = allowedResources(snapshot, principal.userId, 'SPACE_READ', 'SPACE').filter((id) => orgs.has(snapshot.organizationOf(id) ?? 0));
  }
  const byOrganization = new Map<number, SpaceRow[]>(wanted.map((id) => [id, []]));
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const organizationIds = wanted.slice(i, i + CHUNK);
    const read = (ids?: number[]) => spaces.firstOfEachOrganization({ organizationIds, ids, name: query.name, limit: query.limit + 1 });
    // Visible ids go a chunk at a time, ascending: each organization's rows stay in id order.
    const rows = visible === undefined ? await read() : [];
    for (let j = 0; visible !== undefined && j < visible.length; j += CHUNK) rows.push(...await read(visible.slice(j, j + CHUNK)));
    for (const row of rows) byOrganization.get(row.organization_id)!.push(row);
  }
  return new Map([...byOrganization].map(([id, rows]) =>
    [id, toPage(ctx.secrets.cursorKey, scope, rows.slice(0, query.limit + 1), query.limit, (r) => r.id, (r) => r)]));
}

/**
 * The space, if the principal may read it (else 404). Answered without a promise when the account's access snapshot
 * and the row are both in memory (every request of a warm GET /v2/spaces/{id}); a read otherwise.
 */
export function getSpace(ctx: ServiceDeps, principal: Principal, spaceId: string): SpaceRow | Promise<SpaceRow> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = ctx.access.current(principal.accountId);
  if (snapshot === undefined) return readSpace(ctx, principal, id);
  requireVisible(snapshot, principal, { type: 'SPACE', id });
  return ctx.rows.cached<SpaceRow>(principal.accountId, spaceKey(id)) ?? readSpaceRow(ctx, principal.accountId, id);
}

const spaceKey = (id: number) => `space:${id}`;

async function readSpace(ctx: ServiceDeps, principal: Principal, id: number): Promise<SpaceRow> {
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'SPACE', id });
  return readSpaceRow(ctx, principal.accountId, id);
}

async function readSpaceRow(ctx: ServiceDeps, accountId: number, id: number): Promise<SpaceRow> {
  const row = await ctx.rows.read(accountId, spaceKey(id), () => forAccount(ctx.store.db, accountId).spaces.find(id));
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
  const rows = await forAccount(ctx.store.db, principal.accountId).spaces.listMembers(id, { after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** Rows of spaces at a time in one statement of listMembersOfSpaces (bound parameters stay far below the drivers' limits). */
const SPACES_PER_READ = 1000;

/**
 * The first page of members of each of these spaces (by row number), as listSpaceMembers answers each: one statement
 * per 1,000 spaces instead of one per space (GraphQL's `Space.spaceMemberships` on a page of spaces). A space the
 * principal may not see answers listSpaceMembers's error in its place.
 */
export async function listMembersOfSpaces(ctx: ServiceDeps, principal: Principal, spaceIds: readonly number[], query: { limit: number }) {
  const scope = 'space-members';
  const snapshot = await ctx.access.get(principal.accountId);
  const answers = new Map<number, ApiError | MemberRow[]>();
  for (const id of new Set(spaceIds)) {
    try {
      requireVisible(snapshot, principal, { type: 'SPACE', id });
      answers.set(id, []);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answers.set(id, error);
    }
  }
  const visible = [...answers].filter(([, answer]) => Array.isArray(answer)).map(([id]) => id);
  const spaces = forAccount(ctx.store.db, principal.accountId).spaces;
  for (let i = 0; i < visible.length; i += SPACES_PER_READ) {
    for (const row of await spaces.firstMembersOfEachSpace(visible.slice(i, i + SPACES_PER_READ), query.limit + 1)) {
      const { rank: _rank, ...member } = row;
      (answers.get(member.space_id) as MemberRow[]).push(member);
    }
  }
  return new Map([...answers].map(([id, answer]) => [id, answer instanceof ApiError ? answer
    : toPage(ctx.secrets.cursorKey, scope, answer, query.limit, (r) => r.id, (r) => r)]));
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof forAccount>['spaces']['listMembers']>>[number];

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
      const store = forAccount(trx, principal.accountId);
      const row = await store.spaces.create({
        organizationId: orgId, name: input.name, description: input.description ?? '', isPrivate: input.is_private ?? false, now,
      });
      changes.patchAccess(spaceEdit(row));
      if (!adminAbove) {
        const adminRoleId = await store.roles.predefinedId('ADMIN');
        await store.spaces.upsertMember({ spaceId: row.id, userId: principal.userId, roleId: adminRoleId, now });
        changes.user(principal.userId);
        changes.patchAccess({ op: 'upsertSpaceMembership', membership: { userId: principal.userId, spaceId: row.id, roleId: adminRoleId } });
      }
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a space named ${JSON.stringify(input.name)} already exists in this organization`);
    if (isForeignKeyViolation(error)) throw notFound('organization');
    throw error;
  }
}

/** The access snapshot's edit for a space as the database now holds it. */
function spaceEdit(row: SpaceRow): AccessChange {
  return { op: 'upsertSpace', space: { id: row.id, organizationId: row.organization_id, isPrivate: row.is_private === 1, name: row.name } };
}

export interface UpdateSpaceInput { name?: string | undefined; description?: string | null | undefined; is_private?: boolean | undefined }

export async function updateSpace(ctx: ServiceDeps, actor: Actor, spaceId: string, input: UpdateSpaceInput): Promise<SpaceRow> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'SPACE_UPDATE', { type: 'SPACE', id });
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).spaces.update(id, {
        name: input.name,
        description: input.description === undefined ? undefined : input.description ?? '',
        isPrivate: input.is_private,
        now: isoNow(ctx.clock),
      });
      if (!row) throw notFound('space');
      changes.patchAccess(spaceEdit(row));
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a space named ${JSON.stringify(input.name)} already exists in this organization`);
    throw error;
  }
}

/**
 * Deletes the space; its projects (with their restrictions and bindings), memberships — bots' included — and
 * SPACE bindings go with it (foreign-key cascades). A dry run answers what would go and changes nothing.
 */
export async function deleteSpace(ctx: ServiceDeps, actor: Actor, spaceId: string, options: { dryRun: boolean } = { dryRun: false }): Promise<DeleteCascade | undefined> {
  const id = decodeId('Space', spaceId, 'space_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'SPACE_DELETE', { type: 'SPACE', id });
  return runDelete(ctx, actor, options.dryRun, async (trx, changes) => {
    await releaseFromMappings(ctx, trx, actor, changes, { type: 'SPACE', id });
    if (!await forAccount(trx, actor.principal.accountId).spaces.delete(id)) throw notFound('space');
    changes?.patchAccess({ op: 'removeSpace', id });
  });
}

/**
 * Adds a member or changes its role (upsert). The user must already be a member of the space's organization
 * (422); the caller needs SPACE_UPDATE on the space and must hold every permission the role carries there
 * (privilege ceiling), decided on rights current inside the transaction. A role change may also lower rights.
 */
export async function addSpaceMember(ctx: ServiceDeps, actor: Actor, spaceId: string, input: { user_id: string; role: RoleAssignmentInput } & GrantExpiryInput) {
  const id = decodeId('Space', spaceId, 'space_id');
  return runGrant(ctx, actor, (trx, changes, snapshot) => upsertSpaceMember(ctx, trx, changes, snapshot, actor.principal, id, input),
    { alsoTakesAway: true, confinedTo: confinedToUser(input.user_id) });
}

/**
 * addSpaceMember for several spaces and users at once, all in one transaction (GraphQL's assignSpaceMembership):
 * the same checks item by item, in order; the first refused item refuses them all and nothing is written.
 * `field` names each item in errors (`spaceMemberships[2].`).
 */
export async function addSpaceMembers(
  ctx: ServiceDeps, actor: Actor, items: readonly { space_id: string; user_id: string; role: RoleAssignmentInput }[], field: string,
) {
  const spaceIds = items.map((item, i) => decodeId('Space', item.space_id, `${field}[${i}].spaceId`));
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    const added = [];
    for (const [i, item] of items.entries()) added.push(await upsertSpaceMember(ctx, trx, changes, snapshot, actor.principal, spaceIds[i]!, item));
    return added;
  }, { alsoTakesAway: true });
}

async function upsertSpaceMember(
  ctx: ServiceDeps, trx: Trx, changes: ChangeSet, snapshot: AccessSnapshot, principal: Principal, id: number, input: { user_id: string; role: RoleAssignmentInput } & GrantExpiryInput,
) {
  const expiry = grantExpiry(ctx, input);
  requirePermission(snapshot, principal, 'SPACE_UPDATE', { type: 'SPACE', id });
  const store = forAccount(trx, principal.accountId);
  const space = await store.spaces.find(id);
  if (!space) throw notFound('space');
  const user = await findLiveUser(trx, principal.accountId, input.user_id);
  const role = await resolveRoleAssignment(trx, principal.accountId, input.role);
  const ceiling = canGrant(snapshot, principal.userId, grantedPermissions(role, 'SPACE'), { type: 'SPACE', id });
  if (!ceiling.ok) throw forbidden(`cannot grant a role with ${ceiling.missing}: you do not hold it on this space`);
  if (!await store.organizations.isMember(space.organization_id, user.id)) throw unprocessable('user_id: the user is not a member of the space\'s organization; add them to the organization first');
  const now = isoNow(ctx.clock);
  const row = await store.spaces.upsertMember({ spaceId: id, userId: user.id, roleId: role.id, now, ...expiry });
  changes.user(user.id);
  changes.patchAccess({ op: 'upsertSpaceMembership', membership: { userId: user.id, spaceId: id, roleId: role.id, expiresAt: row.expires_at } });
  return {
    id: encodeId('SpaceMembership', row.id), space_id: encodeId('Space', id),
    user_id: encodeId('User', user.id), role: presentRoleAssignment(role), source: row.source,
    ...(row.expires_at === null ? {} : { expires_at: row.expires_at }), ...(row.reason === null ? {} : { reason: row.reason }),
  };
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
    const store = forAccount(trx, principal.accountId);
    if (!await store.spaces.removeMember(id, uid)) throw notFound('space membership');
    const cascade = await store.memberships.afterSpaceMembership(uid, id);
    changes.user(uid);
    changes.patchAccess({ op: 'removeSpaceMembership', userId: uid, spaceId: id }, ...cascade.bindingIds.map((bindingId) => ({ op: 'removeBinding' as const, id: bindingId })));
    return { personId: uid, reach: { spaceId: id }, counts: { organizationMemberships: 0, spaceMemberships: 1, roleBindings: cascade.roleBindings, userKeysRevoked: 0 } };
  }, { users: [uid] });
}
