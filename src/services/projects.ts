import { type AccessSnapshot, allowedResources, check } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId } from '../domain/ids.js';
import { conflict, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import type { ProjectRow } from '../store/schema.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { requirePermission, requireVisible } from './authorize.js';
import { type Actor, runMutation } from './mutation.js';
import { type DeleteCascade, runDelete } from './delete-cascade.js';
import { releaseFromMappings } from './sso/mapping-references.js';
import { fetchVisibleRows } from './visible-rows.js';

export interface ListProjectsQuery {
  space_id?: string | undefined;
  space_name?: string | undefined;
  name?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Projects the principal may read, by id, keyset-paginated. PROJECT_READ decides, so a restricted project
 * reaches only its PROJECT bindings and the admins above it. `space_name` is a substring of the space's name
 * and may match several spaces; an unknown `space_id` filters to nothing.
 */
export async function listProjects(ctx: ServiceDeps, principal: Principal, query: ListProjectsQuery) {
  const scope = 'projects';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const spaceId = query.space_id === undefined ? undefined : decodeId('Space', query.space_id, 'space_id');
  const projects = forAccount(ctx.store.db, principal.accountId).projects;
  const filter = { spaceId, spaceName: query.space_name, name: query.name };
  let rows: ProjectRow[];
  if (principal.role === 'ADMIN') {
    rows = await projects.list({ ...filter, after, limit: query.limit + 1 });
  } else if (spaceId !== undefined) {
    rows = await readableRowsOfSpace(ctx, principal, await ctx.access.get(principal.accountId), { ...filter, spaceId }, after, query.limit);
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const visible = allowedResources(snapshot, principal.userId, 'PROJECT_READ', 'PROJECT');
    rows = await fetchVisibleRows(visible, after, query.limit, (ids, n) => projects.list({ ...filter, ids, limit: n }));
  }
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/**
 * The first `limit + 1` rows of one space after `after` that the principal may read: the space's rows are read in
 * windows of `limit + 1` and PROJECT_READ is checked on those only, so the work follows the space's projects, not the
 * account's (allowedResources checks every project of the account). Same rows, order and cursors as the general path.
 */
async function readableRowsOfSpace(
  ctx: ServiceDeps, principal: Principal, snapshot: AccessSnapshot,
  filter: { spaceId: number; spaceName?: string | undefined; name?: string | undefined }, after: number | undefined, limit: number,
): Promise<ProjectRow[]> {
  const projects = forAccount(ctx.store.db, principal.accountId).projects;
  const rows: ProjectRow[] = [];
  let from = after;
  for (;;) {
    const window = await projects.list({ ...filter, after: from, limit: limit + 1 });
    for (const row of window) {
      if (!check(snapshot, principal.userId, 'PROJECT_READ', { type: 'PROJECT', id: row.id })) continue;
      rows.push(row);
      if (rows.length > limit) return rows;
    }
    if (window.length <= limit) return rows;
    from = window[window.length - 1]!.id;
  }
}

/** Spaces per query: far below the bound-parameter limits (as visible-rows.ts's chunks of ids). */
const CHUNK = 1000;

interface SpacesQuery { name?: string | undefined; limit: number }

/**
 * The first page of `listProjects` with `space_id` for each of several spaces (a GraphQL page of spaces with
 * their projects): the same visibility, the same keyset cursors. Keyed by space.
 *
 * The first `limit + 1` rows of each space are read in one query per 1,000 spaces and PROJECT_READ is checked on
 * those rows only, so the work follows the spaces' projects, not the account's. A space whose window was full
 * and held a project the principal may not read may have more readable rows after it: those spaces alone are
 * walked as listProjects walks one space (readableRowsOfSpace).
 */
export async function listProjectsOfSpaces(
  ctx: ServiceDeps, principal: Principal, spaceIds: readonly number[], query: SpacesQuery,
): Promise<Map<number, Page<ProjectRow>>> {
  const wanted = [...new Set(spaceIds)];
  const projects = forAccount(ctx.store.db, principal.accountId).projects;
  const snapshot = principal.role === 'ADMIN' ? undefined : await ctx.access.get(principal.accountId);
  const window = query.limit + 1;
  const bySpace = new Map<number, ProjectRow[]>(wanted.map((id) => [id, []]));
  for (let i = 0; i < wanted.length; i += CHUNK) {
    for (const row of await projects.firstOfEachSpace({ spaceIds: wanted.slice(i, i + CHUNK), name: query.name, limit: window })) {
      bySpace.get(row.space_id)!.push(row);
    }
  }
  if (snapshot) {
    const cutShort: number[] = [];
    for (const [spaceId, rows] of bySpace) {
      const readable = rows.filter((r) => check(snapshot, principal.userId, 'PROJECT_READ', { type: 'PROJECT', id: r.id }));
      if (readable.length < rows.length && rows.length === window) cutShort.push(spaceId);
      bySpace.set(spaceId, readable);
    }
    for (const spaceId of cutShort) bySpace.set(spaceId, await readableRowsOfSpace(ctx, principal, snapshot, { spaceId, name: query.name }, undefined, query.limit));
  }
  return new Map([...bySpace].map(([id, rows]) => [id, toPage(ctx.secrets.cursorKey, 'projects', rows, query.limit, (r) => r.id, (r) => r)]));
}

/**
 * Whether a project (as listProjects or getProject answered it) is restricted: from the account's access snapshot,
 * without a promise when it is in memory (GraphQL's `Project.isRestricted`, asked once per project of a page).
 */
export function projectRestricted(ctx: ServiceDeps, principal: Principal, projectId: number): boolean | Promise<boolean> {
  const snapshot = ctx.access.current(principal.accountId);
  return snapshot ? snapshot.isRestricted(projectId) : ctx.access.get(principal.accountId).then((read) => read.isRestricted(projectId));
}

export async function getProject(ctx: ServiceDeps, principal: Principal, projectId: string): Promise<ProjectRow> {
  const id = decodeId('Project', projectId, 'project_id');
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, { type: 'PROJECT', id });
  const row = await ctx.rows.read(principal.accountId, `project:${id}`, () => forAccount(ctx.store.db, principal.accountId).projects.find(id));
  if (!row) throw notFound('project');
  return row;
}

export async function createProject(ctx: ServiceDeps, actor: Actor, input: { name: string; space_id: string }): Promise<ProjectRow> {
  const spaceId = decodeId('Space', input.space_id, 'space_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'PROJECT_CREATE', { type: 'SPACE', id: spaceId });
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).projects.create({ spaceId, name: input.name, now: isoNow(ctx.clock) });
      changes.patchAccess({ op: 'insertProject', project: { id: row.id, spaceId: row.space_id, name: row.name } });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a project named ${JSON.stringify(input.name)} already exists in this space`);
    if (isForeignKeyViolation(error)) throw notFound('space');
    throw error;
  }
}

/** Renames a project; a name taken in its space is a 409. */
export async function updateProject(ctx: ServiceDeps, actor: Actor, projectId: string, input: { name: string }): Promise<ProjectRow> {
  const id = decodeId('Project', projectId, 'project_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'PROJECT_UPDATE', { type: 'PROJECT', id });
  try {
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, actor.principal.accountId).projects.rename(id, input.name, isoNow(ctx.clock));
      if (!row) throw notFound('project');
      changes.patchAccess({ op: 'renameProject', id, name: row.name });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a project named ${JSON.stringify(input.name)} already exists in this space`);
    throw error;
  }
}

/**
 * Deletes the project; its restriction and PROJECT bindings go with it (foreign-key cascades). A dry run answers
 * what would go and changes nothing.
 */
export async function deleteProject(ctx: ServiceDeps, actor: Actor, projectId: string, options: { dryRun: boolean } = { dryRun: false }): Promise<DeleteCascade | undefined> {
  const id = decodeId('Project', projectId, 'project_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  requirePermission(snapshot, actor.principal, 'PROJECT_DELETE', { type: 'PROJECT', id });
  return runDelete(ctx, actor, options.dryRun, async (trx, changes) => {
    await releaseFromMappings(ctx, trx, actor, changes, { type: 'PROJECT', id });
    if (!await forAccount(trx, actor.principal.accountId).projects.delete(id)) throw notFound('project');
    changes?.patchAccess({ op: 'removeProject', id });
  });
}
