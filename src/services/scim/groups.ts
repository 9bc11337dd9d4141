import { parse as parseFilter, type Filter } from 'scim2-parse-filter';
import { isoNow } from '../../domain/clock.js';
import { scimConflict, scimInvalid, scimNotFound } from '../../domain/scim-error.js';
import { parseScimId, scimId } from '../../domain/scim-ids.js';
import { forAccount } from '../../store/account-store.js';
import { isUniqueViolation } from '../../store/constraint-errors.js';
import type { ScimGroupFilter } from '../../store/repositories/scim-groups.js';
import type { ScimGroupRow } from '../../store/schema.js';
import type { ChangeSet, Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { type ScimProjection, wantsAttribute } from './attribute-projection.js';
import { GROUP_SCHEMA, GROUP_URNS, groupLocation, groupResource } from './group-resource.js';
import { listResponse, scimPage } from './list-response.js';
import type { ScimCaller } from './scim-caller.js';
import { type NormalisedOp, normalisePatch } from './patch-normaliser.js';
import { runScimMutation } from './scim-mutation.js';
import { syncScimGrants } from './scim-sync.js';

const ROUTE = '/scim/v2/Groups';
const ITEM_ROUTE = '/scim/v2/Groups/{id}';

/** What the Group resource's list and get read from the query string. */
export interface GroupQuery extends ScimProjection {
  filter?: string | undefined;
  startIndex?: number | undefined;
  count?: number | undefined;
}

type Body = Record<string, unknown>;

/** A group as it stands while a request changes it: written once, then the affected users are synced. */
interface GroupState {
  displayName: string;
  externalId: string | null;
  members: Set<number>;
}

function groupIdOf(id: string): number {
  const n = parseScimId('ScimGroup', id);
  if (n === undefined) throw scimNotFound('group');
  return n;
}

function asObject(body: unknown, what: string): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimInvalid('invalidSyntax', `${what} must be a JSON object`);
  return body as Body;
}

/** A body's `schemas`, when given, must name `urn` (RFC 7644 §3.3, §3.5.2). */
function requireSchema(body: Body, urn: string): void {
  const schemas = body.schemas;
  if (schemas === undefined) return;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())) {
    throw scimInvalid('invalidSyntax', `schemas must contain ${urn}`);
  }
}

function displayNameOf(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw scimInvalid('invalidValue', 'displayName is required and must be a non-empty string');
  if (value.length > 255) throw scimInvalid('invalidValue', 'displayName is longer than 255 characters');
  return value;
}

function externalIdOf(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw scimInvalid('invalidValue', 'externalId must be a string');
  return value;
}

/** `members` values (`[{value, display?, $ref?}]`, or one such object) as user row ids; a value that is no user id is refused. */
function memberIdsOf(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((member) => {
    const ref = typeof member === 'object' && member !== null ? (member as Body).value : undefined;
    if (typeof ref !== 'string') throw scimInvalid('invalidValue', 'members: each member must be an object with a string "value" (a user id)');
    const n = parseScimId('User', ref);
    if (n === undefined) throw scimInvalid('invalidValue', `members: ${JSON.stringify(ref)} is not a user of this directory`);
    return n;
  });
}

/** Every user id here must be visible to the directory (identity.md §5.3): the first that is not is named. */
async function requireVisible(trx: Trx, caller: ScimCaller, userIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(userIds)];
  const visible = await forAccount(trx, caller.accountId).scimUsers.visibleUsers(caller.idpId, ids);
  const missing = ids.find((id) => !visible.has(id));
  if (missing !== undefined) throw scimInvalid('invalidValue', `members: ${JSON.stringify(scimId('User', missing))} is not a user of this directory`);
}

/** The filters §5.6 supports: `displayName eq`, `externalId eq`, `id eq`; anything else is `invalidFilter`. */
function groupFilterOf(text: string | undefined): ScimGroupFilter | 'none' {
  if (text === undefined || text.trim() === '') return undefined;
  let ast: Filter;
  try {
    ast = parseFilter(text);
  } catch {
    throw scimInvalid('invalidFilter', `the filter ${JSON.stringify(text)} cannot be parsed`);
  }
  if (ast.op === 'eq' && 'compValue' in ast && typeof ast.compValue === 'string') {
    const attr = ast.attrPath.toLowerCase().replace(`${GROUP_SCHEMA.toLowerCase()}:`, '');
    if (attr === 'displayname') return { by: 'displayName', value: ast.compValue };
    if (attr === 'externalid') return { by: 'externalId', value: ast.compValue };
    if (attr === 'id') {
      const n = parseScimId('ScimGroup', ast.compValue);
      return n === undefined ? 'none' : { by: 'id', value: n };
    }
  }
  throw scimInvalid('invalidFilter', 'groups can be filtered by displayName eq, externalId eq or id eq only');
}

async function present(ctx: ServiceDeps, trx: Trx | undefined, caller: ScimCaller, row: ScimGroupRow, projection: ScimProjection = {}) {
  const store = forAccount(trx ?? ctx.store.db, caller.accountId).scimGroups;
  const members = wantsAttribute(projection, 'members', GROUP_URNS) ? await store.membersOf([row.id]) : undefined;
  return groupResource(row, members, ctx.config.publicUrl, projection);
}

/** Runs a group change; a display name another group of the provider holds (a race past the check) is 409 too. */
async function mutate<T>(
  ctx: ServiceDeps, caller: ScimCaller, operation: { operation: string; body: unknown; id?: string | undefined }, fn: (trx: Trx, changes: ChangeSet) => Promise<T>,
): Promise<T> {
  try {
    return await runScimMutation(ctx, caller, {
      operation: operation.operation, text: JSON.stringify(operation.body), params: operation.id === undefined ? undefined : { id: operation.id },
    }, fn);
  } catch (error) {
    if (isUniqueViolation(error)) throw scimConflict('a group with this displayName already exists');
    throw error;
  }
}

/**
 * Writes the group's new state and recomputes the SCIM grants of every user it affects (§4.4): the members who came
 * or went, and every member before and after when the name or external id — the mapping input — changed.
 */
async function settle(
  ctx: ServiceDeps, trx: Trx, changes: ChangeSet, caller: ScimCaller, row: ScimGroupRow, before: GroupState | undefined, after: GroupState | undefined,
): Promise<void> {
  const store = forAccount(trx, caller.accountId).scimGroups;
  const now = isoNow(ctx.clock);
  const affected = new Set<number>();
  if (after === undefined) {
    for (const id of await store.delete(caller.idpId, row.id)) affected.add(id);
  } else {
    const renamed = before !== undefined && (before.displayName !== after.displayName || before.externalId !== after.externalId);
    if (renamed) await assertNameFree(trx, caller, after.displayName, row.id);
    const old = before?.members ?? new Set<number>();
    const added = [...after.members].filter((id) => !old.has(id));
    await requireVisible(trx, caller, added);
    for (const id of await store.addMembers(row.id, added, now)) affected.add(id);
    for (const id of await store.removeMembers(row.id, [...old].filter((id) => !after.members.has(id)))) affected.add(id);
    if (before !== undefined) {
      await store.update(caller.idpId, row.id, {
        displayName: renamed ? after.displayName : undefined, externalId: renamed ? after.externalId : undefined, now,
      });
      if (renamed) for (const id of [...old, ...after.members]) affected.add(id);
    }
  }
  // Group rows are not in the access snapshot: what the sync moves is all the snapshot needs to hear.
  changes.patchAccess(...await syncScimGrants(trx, ctx, { accountId: caller.accountId, idpId: caller.idpId, userIds: [...affected], now, ip: caller.ip, changes }));
}

async function assertNameFree(trx: Trx, caller: ScimCaller, displayName: string, exceptId: number | undefined): Promise<void> {
  const { rows } = await forAccount(trx, caller.accountId).scimGroups.list(caller.idpId, { by: 'displayName', value: displayName }, { offset: 0, limit: 1 });
  if (rows.length > 0 && rows[0]!.id !== exceptId) throw scimConflict(`a group with displayName ${JSON.stringify(displayName)} already exists`);
}

/**
 * The group as stored now. Read inside runScimMutation, after its access-version bump, which serialises the account's
 * rights changes (a row lock on PostgreSQL, the single writer on SQLite): two PATCHes of one group apply one after the
 * other, each to what the other left.
 */
async function currentGroup(trx: Trx, caller: ScimCaller, groupId: number): Promise<{ row: ScimGroupRow; state: GroupState }> {
  const store = forAccount(trx, caller.accountId).scimGroups;
  const row = await store.find(caller.idpId, groupId);
  if (!row) throw scimNotFound('group');
  return { row, state: { displayName: row.display_name, externalId: row.external_id, members: new Set(await store.memberIds(row.id)) } };
}

/** `POST /Groups` (§5.6): 201 with the group (as `attributes`/`excludedAttributes` ask) and its location; its members gain what the mappings give the group. */
export async function createGroup(
  ctx: ServiceDeps, caller: ScimCaller, input: unknown, projection: ScimProjection = {},
): Promise<{ location: string; resource: Record<string, unknown> }> {
  const body = asObject(input, 'the body');
  requireSchema(body, GROUP_SCHEMA);
  const state: GroupState = { displayName: displayNameOf(body.displayName), externalId: externalIdOf(body.externalId), members: new Set(memberIdsOf(body.members)) };
  return mutate(ctx, caller, { operation: `POST ${ROUTE}`, body }, async (trx, changes) => {
    await assertNameFree(trx, caller, state.displayName, undefined);
    const row = await forAccount(trx, caller.accountId).scimGroups.create({ idpId: caller.idpId, displayName: state.displayName, externalId: state.externalId, now: isoNow(ctx.clock) });
    await settle(ctx, trx, changes, caller, row, undefined, state);
    return { location: groupLocation(ctx.config.publicUrl, row.id), resource: await present(ctx, trx, caller, row, projection) };
  });
}

/** `GET /Groups/{id}`. */
export async function getGroup(ctx: ServiceDeps, caller: ScimCaller, id: string, query: GroupQuery): Promise<Record<string, unknown>> {
  const row = await forAccount(ctx.store.db, caller.accountId).scimGroups.find(caller.idpId, groupIdOf(id));
  if (!row) throw scimNotFound('group');
  return present(ctx, undefined, caller, row, query);
}

/** `GET /Groups`: a ListResponse in creation order; no match is 200 with `totalResults: 0`. */
export async function listGroups(ctx: ServiceDeps, caller: ScimCaller, query: GroupQuery): Promise<Record<string, unknown>> {
  const page = scimPage(query);
  const filter = groupFilterOf(query.filter);
  if (filter === 'none') return listResponse([], 0, page);
  const store = forAccount(ctx.store.db, caller.accountId).scimGroups;
  const { rows, total } = await store.list(caller.idpId, filter, { offset: page.startIndex - 1, limit: page.count });
  const projection: ScimProjection = query;
  const members = wantsAttribute(projection, 'members', GROUP_URNS) ? await store.membersOf(rows.map((r) => r.id)) : undefined;
  const resources = rows.map((row) => groupResource(row, members?.filter((m) => m.group_id === row.id), ctx.config.publicUrl, projection));
  return listResponse(resources, total, page);
}

/** `PUT /Groups/{id}`: the group becomes exactly the body (members left out = none). */
export async function replaceGroup(ctx: ServiceDeps, caller: ScimCaller, id: string, input: unknown, projection: ScimProjection = {}): Promise<Record<string, unknown>> {
  const groupId = groupIdOf(id);
  const body = asObject(input, 'the body');
  requireSchema(body, GROUP_SCHEMA);
  if (typeof body.id === 'string' && parseScimId('ScimGroup', body.id) !== groupId) throw scimInvalid('mutability', 'id cannot be changed');
  const after: GroupState = { displayName: displayNameOf(body.displayName), externalId: externalIdOf(body.externalId), members: new Set(memberIdsOf(body.members)) };
  return mutate(ctx, caller, { operation: `PUT ${ITEM_ROUTE}`, body, id }, async (trx, changes) => {
    const { row, state } = await currentGroup(trx, caller, groupId);
    await settle(ctx, trx, changes, caller, row, state, after);
    return present(ctx, trx, caller, (await forAccount(trx, caller.accountId).scimGroups.find(caller.idpId, groupId))!, projection);
  });
}

/**
 * `PATCH /Groups/{id}` as Okta and Entra send it (§5.4): 200 with the group. Every operation applies or the whole
 * request fails (one transaction): a PATCH never answers 200 having skipped one.
 */
export async function patchGroup(ctx: ServiceDeps, caller: ScimCaller, id: string, input: unknown, projection: ScimProjection = {}): Promise<Record<string, unknown>> {
  const groupId = groupIdOf(id);
  const operations = normalisePatch(input, 'Group');
  return mutate(ctx, caller, { operation: `PATCH ${ITEM_ROUTE}`, body: input, id }, async (trx, changes) => {
    const { row, state } = await currentGroup(trx, caller, groupId);
    const after: GroupState = { ...state, members: new Set(state.members) };
    for (const operation of operations) applyOperation(after, operation, groupId);
    await settle(ctx, trx, changes, caller, row, state, after);
    return present(ctx, trx, caller, (await forAccount(trx, caller.accountId).scimGroups.find(caller.idpId, groupId))!, projection);
  });
}

/** `DELETE /Groups/{id}`: 204; what the group alone gave its members goes with it (§5.6). */
export async function deleteGroup(ctx: ServiceDeps, caller: ScimCaller, id: string): Promise<void> {
  const groupId = groupIdOf(id);
  await mutate(ctx, caller, { operation: `DELETE ${ITEM_ROUTE}`, body: undefined, id }, async (trx, changes) => {
    const { row } = await currentGroup(trx, caller, groupId);
    await settle(ctx, trx, changes, caller, row, undefined, undefined);
  });
}

/** One normalised operation on the group's state: every attribute a Group has, or a 400. */
function applyOperation(group: GroupState, { op, path, value }: NormalisedOp, groupId: number): void {
  const name = path.toLowerCase().replace(`${GROUP_SCHEMA.toLowerCase()}:`, '');
  switch (name) {
    case 'displayname':
      if (op === 'remove') throw scimInvalid('mutability', 'displayName is required and cannot be removed');
      group.displayName = displayNameOf(value);
      return;
    case 'externalid':
      group.externalId = op === 'remove' ? null : externalIdOf(value);
      return;
    case 'members': {
      if (op === 'remove' && (value === undefined || value === null)) {
        group.members.clear();
        return;
      }
      const ids = memberIdsOf(value);
      if (op === 'replace') group.members.clear();
      for (const id of ids) {
        if (op === 'remove') group.members.delete(id);
        else group.members.add(id);
      }
      return;
    }
    case 'id':
      // Okta's path-less replace repeats the id: harmless when it is this group's.
      if (op !== 'remove' && typeof value === 'string' && parseScimId('ScimGroup', value) === groupId) return;
      throw scimInvalid('mutability', 'id cannot be changed');
    case 'schemas':
    case 'meta':
      throw scimInvalid('mutability', `${path} cannot be changed`);
    default:
      throw scimInvalid('invalidPath', `${JSON.stringify(path)} is not an attribute of a Group`);
  }
}
