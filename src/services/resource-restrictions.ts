import { allowedResources } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation } from '../store/constraint-errors.js';
import type { ResourceRestrictionRow } from '../store/schema.js';
import { decodeCursor, toPage } from './pagination.js';
import { requirePermission } from './authorize.js';
import { type Actor, runMutation } from './mutation.js';
import { fetchVisibleRows } from './visible-rows.js';

export interface ListResourceRestrictionsQuery { limit: number; cursor?: string | undefined }

/** Restrictions on projects the principal may read, keyset-paginated by project id (PROJECT is the only type). */
export async function listResourceRestrictions(ctx: ServiceDeps, principal: Principal, query: ListResourceRestrictionsQuery) {
  const scope = 'resource-restrictions';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const base = () => ctx.store.db.selectFrom('resource_restrictions').selectAll()
    .where('account_id', '=', principal.accountId).orderBy('project_id');
  let rows: ResourceRestrictionRow[];
  if (principal.role === 'ADMIN') {
    rows = await (after === undefined ? base() : base().where('project_id', '>', after)).limit(query.limit + 1).execute();
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const visible = allowedResources(snapshot, principal.userId, 'PROJECT_READ', 'PROJECT').filter((id) => snapshot.isRestricted(id));
    rows = await fetchVisibleRows(visible, after, query.limit, (ids, n) => base().where('project_id', 'in', ids).limit(n).execute());
  }
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.project_id, (r) => r);
}

/**
 * Restricts a project (PROJECT_RESTRICT on it, which the admins above a restricted project keep). Idempotent:
 * restricting again — or losing a race to a concurrent restrict — answers the existing record, same created_at.
 */
export async function restrictResource(ctx: ServiceDeps, actor: Actor, resourceId: string): Promise<ResourceRestrictionRow> {
  const projectId = decodeId('Project', resourceId, 'resource_id');
  const { principal } = actor;
  const snapshot = await ctx.access.get(principal.accountId);
  requirePermission(snapshot, principal, 'PROJECT_RESTRICT', { type: 'PROJECT', id: projectId });
  try {
    return await runMutation(ctx, actor, async (trx) => {
      // ON CONFLICT DO NOTHING waits for a concurrent insert of the same project to settle and never aborts the
      // transaction, so the existing record can be read right here on both backends.
      await trx.insertInto('resource_restrictions').values({
        project_id: projectId, account_id: principal.accountId, created_at: isoNow(ctx.clock),
      }).onConflict((oc) => oc.column('project_id').doNothing()).execute();
      const row = await trx.selectFrom('resource_restrictions').selectAll().where('project_id', '=', projectId)
        .where('account_id', '=', principal.accountId).executeTakeFirst();
      if (!row) throw notFound('project');
      return row;
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound('project');
    throw error;
  }
}

/** Lifts a project's restriction, keyed by the project id; inheritance is restored at once. 404 when not restricted. */
export async function unrestrictResource(ctx: ServiceDeps, actor: Actor, resourceId: string): Promise<void> {
  const projectId = decodeId('Project', resourceId, 'resource_id');
  const { principal } = actor;
  const snapshot = await ctx.access.get(principal.accountId);
  requirePermission(snapshot, principal, 'PROJECT_RESTRICT', { type: 'PROJECT', id: projectId });
  await runMutation(ctx, actor, async (trx) => {
    const removed = await trx.deleteFrom('resource_restrictions').where('project_id', '=', projectId)
      .where('account_id', '=', principal.accountId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound('resource restriction');
  });
}
