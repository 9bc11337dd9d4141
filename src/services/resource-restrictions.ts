import { allowedResources } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId } from '../domain/ids.js';
import { notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
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
  const restrictions = forAccount(ctx.store.db, principal.accountId).resourceRestrictions;
  let rows: ResourceRestrictionRow[];
  if (principal.role === 'ADMIN') {
    rows = await restrictions.list({ after, limit: query.limit + 1 });
  } else {
    const snapshot = await ctx.access.get(principal.accountId);
    const visible = allowedResources(snapshot, principal.userId, 'PROJECT_READ', 'PROJECT').filter((id) => snapshot.isRestricted(id));
    rows = await fetchVisibleRows(visible, after, query.limit, (ids, n) => restrictions.list({ ids, limit: n }));
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
    return await runMutation(ctx, actor, async (trx, changes) => {
      const row = await forAccount(trx, principal.accountId).resourceRestrictions.restrict(projectId, isoNow(ctx.clock));
      if (!row) throw notFound('project');
      changes.patchAccess({ op: 'setRestricted', projectId, restricted: true });
      return row;
    }, { confinedTo: { projects: [projectId] } });
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
  await runMutation(ctx, actor, async (trx, changes) => {
    if (!await forAccount(trx, principal.accountId).resourceRestrictions.lift(projectId)) throw notFound('resource restriction');
    changes.patchAccess({ op: 'setRestricted', projectId, restricted: false });
  }, { confinedTo: { projects: [projectId] } });
}
