import { isoNow } from '../../domain/clock.js';
import { ApiError, notFound } from '../../domain/errors.js';
import { decodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { type DesiredGrants, evaluateMappings } from '../../role-mapping/index.js';
import { forAccount, type AccountStore } from '../../store/account-store.js';
import type { IdentityProtocol, IdentityProviderRow, RoleMappingRow, UserIdentityRow } from '../../store/schema.js';
import { type Actor, type ChangeSet, runMutation, type Trx } from '../mutation.js';
import { decodeCursor, toPage } from '../pagination.js';
import { resyncScimProvider } from '../scim/scim-sync.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadMappingInput } from './mapping-input.js';
import { assertLoginStillPossible, checkMapping, type MappingInput } from './mapping-rules.js';
import { adminProvider } from './providers.js';

async function findMapping(store: AccountStore, idpId: number, mappingId: string): Promise<RoleMappingRow> {
  const row = await store.roleMappings.find(idpId, decodeId('RoleMapping', mappingId, 'mapping_id'));
  if (!row) throw notFound('role mapping');
  return row;
}

/** The provider's rules in configuration order, keyset-paginated by position. */
export async function listRoleMappings(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, query: { limit: number; cursor?: string | undefined }) {
  // Keyed by position: a cursor of another provider's list only starts this one at that position.
  const scope = 'role-mappings';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'list role mappings');
  const rows = await forAccount(ctx.store.db, principal.accountId).roleMappings.list(idp.id, { after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.position, (r) => r);
}

export async function getRoleMapping(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, mappingId: string): Promise<RoleMappingRow> {
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'read role mappings');
  return findMapping(forAccount(ctx.store.db, principal.accountId), idp.id, mappingId);
}

/** Where a rule lands: `position` clamped to 1..n (n counting the rule itself); absent = last for a new rule, unchanged for a moved one. */
function placeAt(order: number[], id: number, position: number | undefined): number[] {
  if (position === undefined) return order;
  const rest = order.filter((other) => other !== id);
  const index = Math.min(Math.max(position, 1), rest.length + 1) - 1;
  return [...rest.slice(0, index), id, ...rest.slice(index)];
}

/** Renumbers the provider's rules 1..n in `order`, then checks that sign-in stays possible; returns the rule's fresh row. */
async function settle(store: AccountStore, idp: IdentityProviderRow, order: number[], id: number | undefined): Promise<RoleMappingRow | undefined> {
  const current = new Map((await store.roleMappings.all(idp.id)).map((r) => [r.id, r.position]));
  await store.roleMappings.renumber(idp.id, order, current);
  await assertLoginStillPossible(store, idp);
  return id === undefined ? undefined : store.roleMappings.find(idp.id, id);
}

/**
 * The provider's SCIM grants recomputed under its new rules, in the admin's transaction. Mappings are not in the
 * access snapshot: what the resync moved is all it needs to hear.
 */
async function resync(trx: Trx, ctx: ServiceDeps, actor: Actor, idpId: number, changes: ChangeSet): Promise<void> {
  changes.patchAccess(...await resyncScimProvider(trx, ctx, { accountId: actor.principal.accountId, idpId, now: isoNow(ctx.clock), ip: actor.ip, changes }));
}

export async function createRoleMapping(
  ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string, input: MappingInput & { position?: number | undefined },
): Promise<RoleMappingRow> {
  const idp = await adminProvider(ctx, actor.principal, protocol, idpId, 'create role mappings');
  return runMutation(ctx, actor, async (trx, changes) => {
    const store = forAccount(trx, actor.principal.accountId);
    const values = await checkMapping(store, input);
    const existing = await store.roleMappings.all(idp.id);
    const row = await store.roleMappings.insert(idp.id, existing.length + 1, values, isoNow(ctx.clock));
    const order = placeAt([...existing.map((r) => r.id), row.id], row.id, input.position);
    changes.idp(idp.id);
    const created = (await settle(store, idp, order, row.id))!;
    await resync(trx, ctx, actor, idp.id, changes);
    return created;
  });
}

export async function updateRoleMapping(
  ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string, mappingId: string, input: MappingInput & { position?: number | undefined },
): Promise<RoleMappingRow> {
  const idp = await adminProvider(ctx, actor.principal, protocol, idpId, 'update role mappings');
  return runMutation(ctx, actor, async (trx, changes) => {
    const store = forAccount(trx, actor.principal.accountId);
    const stored = await findMapping(store, idp.id, mappingId);
    const { position, ...fields } = input;
    if (Object.keys(fields).length > 0) await store.roleMappings.update(idp.id, stored.id, await checkMapping(store, fields, '', stored), isoNow(ctx.clock));
    const order = placeAt((await store.roleMappings.all(idp.id)).map((r) => r.id), stored.id, position);
    changes.idp(idp.id);
    const updated = (await settle(store, idp, order, stored.id))!;
    await resync(trx, ctx, actor, idp.id, changes);
    return updated;
  });
}

export async function deleteRoleMapping(ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string, mappingId: string): Promise<void> {
  const idp = await adminProvider(ctx, actor.principal, protocol, idpId, 'delete role mappings');
  await runMutation(ctx, actor, async (trx, changes) => {
    const store = forAccount(trx, actor.principal.accountId);
    const stored = await findMapping(store, idp.id, mappingId);
    await store.roleMappings.delete(idp.id, stored.id);
    changes.idp(idp.id);
    await settle(store, idp, (await store.roleMappings.all(idp.id)).map((r) => r.id), undefined);
    await resync(trx, ctx, actor, idp.id, changes);
  });
}

/** What the mappings give, with the rule ids behind the matched positions (for the wire's `matched`). */
export interface Evaluation {
  desired: DesiredGrants;
  mappingIdByPosition: ReadonlyMap<number, number>;
}

async function evaluate(store: AccountStore, idp: IdentityProviderRow, attributes: Record<string, string[]>): Promise<Evaluation> {
  const { rules, context } = await loadMappingInput(store, idp);
  const rows = await store.roleMappings.all(idp.id);
  return { desired: evaluateMappings(rules, attributes, context), mappingIdByPosition: new Map(rows.map((r) => [r.position, r.id])) };
}

/** `POST …/role-mappings/evaluate`: a dry run of §4 for these attributes; nothing is written. */
export async function evaluateRoleMappings(
  ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, input: { attributes: Record<string, string[]>; user_id?: string | undefined },
): Promise<Evaluation> {
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'evaluate role mappings');
  const store = forAccount(ctx.store.db, principal.accountId);
  if (input.user_id !== undefined && !await store.users.findLive(decodeId('User', input.user_id, 'user_id'))) {
    throw new ApiError('NOT_FOUND', 'user_id: user not found');
  }
  return evaluate(store, idp, input.attributes);
}

/** `GET …/users/{user_id}`: the user's link to the provider, what the last login asserted and what that maps to now. */
export async function getIdentityLink(
  ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, userId: string,
): Promise<{ link: UserIdentityRow; attributes: Record<string, string[]>; evaluation: Evaluation }> {
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'read identity links');
  const store = forAccount(ctx.store.db, principal.accountId);
  const link = await store.identityProviders.findLink(idp.id, decodeId('User', userId, 'user_id'));
  if (!link) throw new ApiError('NOT_FOUND', 'user_id: the user has no link to this identity provider (never signed in through it)');
  const attributes = link.last_attributes === null ? {} : JSON.parse(link.last_attributes) as Record<string, string[]>;
  return { link, attributes, evaluation: await evaluate(store, idp, attributes) };
}
