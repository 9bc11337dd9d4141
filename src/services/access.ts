import { canGrant, explain, whoHasAccess, type Accessor, type Explanation, type ResourceRef } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { decodeId, parseId } from '../domain/ids.js';
import { ApiError, forbidden } from '../domain/errors.js';
import { isPermission } from '../domain/permissions.js';
import { ORGANIZATION_MEMBERSHIP_GRANTS, PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES, type PredefinedRoleKey } from '../domain/predefined-roles.js';
import { accountRoleWithin, SERVICE_KEY_ACCOUNT_ROLE_KEYS, type AccountRoleKey } from '../domain/account-roles.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import type { UserRow } from '../store/schema.js';
import { requirePermission, requireVisible } from './authorize.js';
import { GrantSources } from './sso/grant-provenance.js';
import { findLiveUser } from './users-lookup.js';

const TARGET_TYPES: Record<string, 'ORGANIZATION' | 'SPACE' | 'PROJECT'> = {
  Organization: 'ORGANIZATION', Space: 'SPACE', Project: 'PROJECT',
};
/** Ids per query: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

export interface AccessCheckInput { user_id: string; permission: string; resource_id: string }

/**
 * Whether a user holds a permission on an organization, space or project, with the grants (or the restriction)
 * that decided it. Account admins may ask about anyone; everyone else only about themselves, and only on
 * resources they can see (the explanation names the resource and its grants).
 */
export async function checkAccess(ctx: ServiceDeps, principal: Principal, input: AccessCheckInput): Promise<Explanation> {
  const userId = decodeId('User', input.user_id, 'user_id');
  const permission = input.permission;
  if (!isPermission(permission)) throw new ApiError('INVALID_PERMISSION', `permission: unknown permission ${JSON.stringify(permission)}`);
  const resource = accessTarget(input.resource_id);
  if (userId !== principal.userId && principal.role !== 'ADMIN') {
    throw forbidden('account admin required to check the access of another user');
  }
  const target = await findLiveUser(ctx.store.db, principal.accountId, input.user_id);
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, resource);
  if (target.is_bot && !await forAccount(ctx.store.db, principal.accountId).users.hasWorkingKey(userId, isoNow(ctx.clock))) {
    const text = `denied: bot user ${userId} has no working API key (each of its keys is revoked or expired)`;
    return { allowed: false, reasons: [{ effect: 'deny', source: 'NONE', resource, text }] };
  }
  return explain(snapshot, userId, permission, resource);
}

/** {@link checkAccess}, with who wrote each grant behind the decision (`sources[i]` for `reasons[i]`; identity.md §4.5). */
export async function checkAccessWithSources(
  ctx: ServiceDeps, principal: Principal, input: AccessCheckInput, grantSources = new GrantSources(ctx, principal.accountId),
) {
  const explanation = await checkAccess(ctx, principal, input);
  const sources = await grantSources.of(decodeId('User', input.user_id, 'user_id'), explanation.reasons);
  return { ...explanation, sources };
}

/** One answer of a batch: the decision, or the error the single check would have answered (403, 404). */
export type BatchedCheck = { ok: true; explanation: Awaited<ReturnType<typeof checkAccessWithSources>> } | { ok: false; error: ApiError };

/**
 * Several checks at once, answered in order, each as {@link checkAccess} answers it. A question the caller may not
 * ask (another user's access, an invisible resource) is answered in its place rather than failing the others; a
 * malformed one (bad id, unknown permission) fails the request, as it would alone.
 */
export async function checkAccessBatch(ctx: ServiceDeps, principal: Principal, inputs: readonly AccessCheckInput[]): Promise<BatchedCheck[]> {
  const answers: BatchedCheck[] = [];
  // One reader for the batch: the questions are mostly about one user, whose grants are read once.
  const grantSources = new GrantSources(ctx, principal.accountId);
  for (const input of inputs) {
    try {
      answers.push({ ok: true, explanation: await checkAccessWithSources(ctx, principal, input, grantSources) });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 403 || error.status === 404)) answers.push({ ok: false, error });
      else throw error;
    }
  }
  return answers;
}

export interface GrantableRoles {
  /** Predefined roles the caller may grant on the resource, in the table's order. */
  roles: PredefinedRoleKey[];
  /** Account roles a service key the caller creates may get: never above the caller's own, never ANNOTATOR. */
  accountRoles: AccountRoleKey[];
}

/**
 * The privilege ceiling as an answer: the predefined roles whose every permission (what a membership or binding
 * with that role grants at that level) the caller holds on the resource, computed by the engine's canGrant, so
 * that no client re-implements it. Whether the caller may grant at all there (ROLE_BINDING_CREATE,
 * SERVICE_KEY_CREATE, ORGANIZATION_UPDATE) is a separate check.
 */
export async function grantableRoles(ctx: ServiceDeps, principal: Principal, resourceId: string): Promise<GrantableRoles> {
  const resource = accessTarget(resourceId);
  const snapshot = await ctx.access.get(principal.accountId);
  requireVisible(snapshot, principal, resource);
  const granted = (key: PredefinedRoleKey) =>
    resource.type === 'ORGANIZATION' ? ORGANIZATION_MEMBERSHIP_GRANTS[key] : PREDEFINED_ROLES[key].permissions;
  return {
    roles: PREDEFINED_ROLE_KEYS.filter((key) => canGrant(snapshot, principal.userId, granted(key), resource).ok),
    // Never above the caller's own account role (service-key-scope.ts refuses it otherwise).
    accountRoles: SERVICE_KEY_ACCOUNT_ROLE_KEYS.filter((role) => accountRoleWithin(role, principal.role)),
  };
}

export interface PrincipalWithAccess extends Accessor {
  user: Pick<UserRow, 'name' | 'email' | 'is_bot'>;
}

/**
 * Every live user holding at least one permission on the resource, and why; needs ROLE_BINDING_READ there.
 * Bots are listed only while one of their keys works (checkAccess agrees).
 */
export async function listPrincipals(ctx: ServiceDeps, principal: Principal, resourceId: string): Promise<PrincipalWithAccess[]> {
  const [answer] = await listPrincipalsOfEach(ctx, principal, [resourceId]);
  if (answer instanceof ApiError) throw answer;
  return answer!;
}

/**
 * listPrincipals for several resources at once, with one user read per 1,000 users in all (a GraphQL page of
 * spaces with their users): each resource's answer, or the error listPrincipals would have thrown for it.
 */
export async function listPrincipalsOfEach(ctx: ServiceDeps, principal: Principal, resourceIds: readonly string[]): Promise<(PrincipalWithAccess[] | ApiError)[]> {
  const targets = resourceIds.map((id) => {
    try {
      return accessTarget(id);
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
  });
  const snapshot = await ctx.access.get(principal.accountId);
  const answers = targets.map((resource) => {
    if (resource instanceof ApiError) return resource;
    try {
      requirePermission(snapshot, principal, 'ROLE_BINDING_READ', resource);
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
    return whoHasAccess(snapshot, resource);
  });
  const users = new Map<number, PrincipalWithAccess['user']>();
  const ids = [...new Set(answers.flatMap((a) => (a instanceof ApiError ? [] : a.map((accessor) => accessor.userId))))];
  const now = isoNow(ctx.clock);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await forAccount(ctx.store.db, principal.accountId).users.findActing(ids.slice(i, i + CHUNK), now);
    for (const r of rows) users.set(r.id, r);
  }
  // A user deleted since the snapshot was built is left out, and so is a bot whose last key was revoked or has expired.
  return answers.map((accessors) => (accessors instanceof ApiError ? accessors : accessors.flatMap((a) => {
    const user = users.get(a.userId);
    return user ? [{ ...a, user }] : [];
  })));
}

/** An organization, space or project id; anything else is a 400 naming resource_id. */
function accessTarget(resourceId: string): Exclude<ResourceRef, { type: 'ACCOUNT' }> {
  const parsed = parseId(resourceId);
  const type = parsed && TARGET_TYPES[parsed.type];
  if (!parsed || !type) {
    throw new ApiError('INVALID_ID', `resource_id is not an Organization, Space or Project id: ${JSON.stringify(resourceId.slice(0, 100))}`);
  }
  return { type, id: parsed.n };
}
