import SCIMMY from 'scimmy';
import { isoNow } from '../../domain/clock.js';
import { mayAuthenticate } from '../../domain/user-standing.js';
import { scimConflict, ScimError, scimInvalid, scimNotFound } from '../../domain/scim-error.js';
import { parseScimId, scimId } from '../../domain/scim-ids.js';
import { forAccount } from '../../store/account-store.js';
import { isUniqueViolation } from '../../store/constraint-errors.js';
import { personEdit } from '../../store/change-feed.js';
import type { ScimUserRecord } from '../../store/repositories/scim-users.js';
import type { AccountRoleKey } from '../../store/schema.js';
import {
  type DeactivationReport, deactivateWithin, deleteWithin, LastActiveAdmin, mailAdminsAboutServiceKeys, reactivateWithin,
} from '../deprovisioning.js';
import type { ChangeSet, Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { emailDomain } from '../sso/identity-links.js';
import { fromScimmyError } from './discovery.js';
import { listResponse, scimPage } from './list-response.js';
import { parseUserFilter } from './filter.js';
import { tidyMultiValued } from './multi-valued.js';
import { type NormalisedOp, normalisePatch, PATCH_OP_SCHEMA } from './patch-normaliser.js';
import type { ScimCaller } from './scim-caller.js';
import { runScimMutation, type ScimOperation } from './scim-mutation.js';
import { cachedUsersPage } from './visible-users-cache.js';
import { syncScimGrants } from './scim-sync.js';
import { patchableUser, readUserBody, type ScimUserInput, toScimUser, USER_URNS, userLocation } from './user-resource.js';
import { projectAttributes, type ScimProjection } from './attribute-projection.js';

export interface ScimUserListQuery extends ScimProjection {
  filter?: string | undefined;
  startIndex?: number | undefined;
  count?: number | undefined;
}

const baseUrl = (ctx: ServiceDeps) => `${ctx.config.publicUrl}/scim/v2`;

/**
 * The body as the audit row keeps it: never the `password` a directory may send (identity.md §5.3) — neither as an
 * attribute nor as the value of a PATCH operation whose path names it.
 */
function auditText(body: unknown): string {
  return JSON.stringify(body, (key, value: unknown) => {
    if (key.toLowerCase() === 'password') return undefined;
    const path = typeof value === 'object' && value !== null ? (value as { path?: unknown }).path : undefined;
    return typeof path === 'string' && path.trim().toLowerCase() === 'password' ? { ...value as object, value: undefined } : value;
  });
}

function userIdOf(id: string): number {
  const userId = parseScimId('User', id);
  if (userId === undefined) throw scimNotFound(`User ${JSON.stringify(id)}`);
  return userId;
}

/** `GET /Users/{id}`: a user the token does not see is 404, like one that does not exist. */
export async function getScimUser(ctx: ServiceDeps, caller: ScimCaller, id: string, projection: ScimProjection): Promise<Record<string, unknown>> {
  const record = await forAccount(ctx.store.db, caller.accountId).scimUsers.find(caller.idpId, userIdOf(id));
  if (!record) throw scimNotFound(`User ${JSON.stringify(id)}`);
  return projectAttributes(toScimUser(record, baseUrl(ctx)), projection, USER_URNS);
}

/**
 * `GET /Users`: creation order; no match is 200 with `totalResults: 0`. A filter is served in SQL; an unfiltered page
 * is a slice of the directory's visible users where the store can tell they are current (cachedUsersPage), else
 * paged in SQL too.
 */
export async function listScimUsers(ctx: ServiceDeps, caller: ScimCaller, query: ScimUserListQuery): Promise<Record<string, unknown>> {
  const conditions = parseUserFilter(query.filter);
  const page = scimPage(query);
  const slice = { offset: page.startIndex - 1, limit: page.count };
  const { records, total } = (conditions.length === 0 ? await cachedUsersPage(ctx.store, caller.accountId, caller.idpId, slice) : undefined)
    ?? await forAccount(ctx.store.db, caller.accountId).scimUsers.list(caller.idpId, conditions, slice);
  return listResponse(records.map((r) => projectAttributes(toScimUser(r, baseUrl(ctx)), query, USER_URNS)), total, page);
}

/**
 * `POST /Users` (identity.md §5.3): a user ACTIVE with no password (people sign in by SSO), as a just-in-time SSO user
 * is, linked to the provider and managed by its SCIM; its SCIM grants are computed at once (`active: false` creates it
 * deactivated instead). A live user with that email is 409 `uniqueness` (the directory then finds it and takes it over
 * with PUT or PATCH); a deleted one does not block.
 */
export async function createScimUser(ctx: ServiceDeps, caller: ScimCaller, body: unknown, projection: ScimProjection = {}): Promise<{ location: string; resource: Record<string, unknown> }> {
  const input = readUserBody(body);
  const op: ScimOperation = { operation: 'POST /scim/v2/Users', text: auditText(body) };
  const userId = await writing(() => runScimMutation(ctx, caller, op, async (trx, changes) => {
    const store = forAccount(trx, caller.accountId);
    const now = isoNow(ctx.clock);
    await checkEmail(trx, caller, input, undefined);
    const role: AccountRoleKey = 'MEMBER';
    const id = await store.users.createHuman({
      name: input.name, email: input.email, role, status: 'ACTIVE', isDeveloper: true, passwordHash: null, mustChangePassword: false, now,
    });
    const subject = subjectFor(caller, id, input);
    const stale = await store.identityLinks.find(caller.idpId, subject);
    // A link left by a user deleted before deletion removed links: the person is provisioned anew.
    if (stale) {
      if (await store.users.findLive(stale.user_id)) throw scimConflict(`another user of the identity provider is linked as ${JSON.stringify(subject)}`);
      await store.identityLinks.remove(caller.idpId, subject);
    }
    await store.scimUsers.createLink(linkValues(caller, id, subject, input, now));
    changes.user(id);
    const person = { id, role };
    // The person first: the grants its sync gives (or a deactivation takes back) are the person's.
    if (input.active === false) changes.patchAccess(personEdit(person, false), ...(await deactivate(trx, changes, caller, op, id, now))?.accessEdits ?? []);
    else changes.patchAccess(personEdit(person, true), ...await syncScimGrants(trx, ctx, { accountId: caller.accountId, idpId: caller.idpId, userIds: [id], now, ip: caller.ip, changes }));
    return id;
  }));
  return { location: userLocation(baseUrl(ctx), userId), resource: await getScimUser(ctx, caller, scimId('User', userId), projection) };
}

/** `PUT /Users/{id}`: replaces what the directory said; `active` left out means unchanged (Okta sends it so). */
export async function replaceScimUser(ctx: ServiceDeps, caller: ScimCaller, id: string, body: unknown, projection: ScimProjection = {}): Promise<Record<string, unknown>> {
  const userId = userIdOf(id);
  const input = readUserBody(body);
  const op: ScimOperation = { operation: 'PUT /scim/v2/Users/{id}', text: auditText(body), params: { id } };
  const deactivation = await writing(() => runScimMutation(ctx, caller, op, async (trx, changes) => {
    const record = await visibleUser(trx, caller, userId, id);
    return write(trx, ctx, changes, caller, op, record, input);
  }));
  if (deactivation) await mailAdminsAboutServiceKeys(ctx, caller.accountId, deactivation);
  return getScimUser(ctx, caller, id, projection);
}

/**
 * `PATCH /Users/{id}` → 200 with the resource. The directory's operations are normalised (§5.4), then applied by
 * SCIMMY's PatchOp to the user as stored, all or nothing: an operation that cannot apply fails the request, so a 200
 * always means every operation took effect.
 */
export async function patchScimUser(ctx: ServiceDeps, caller: ScimCaller, id: string, body: unknown, projection: ScimProjection = {}): Promise<Record<string, unknown>> {
  const userId = userIdOf(id);
  const ops = normalisePatch(body, 'User');
  const op: ScimOperation = { operation: 'PATCH /scim/v2/Users/{id}', text: auditText(body), params: { id } };
  const deactivation = await writing(() => runScimMutation(ctx, caller, op, async (trx, changes) => {
    const record = await visibleUser(trx, caller, userId, id);
    const current = patchableUser(record);
    const added = new Set<string>();
    const applicable = ops.flatMap((o) => applicableOp(o, record, current, added));
    let patched: unknown = current;
    if (applicable.length > 0) {
      const resource = new SCIMMY.Schemas.User(current, 'in');
      const result = await new SCIMMY.Messages.PatchOp({ schemas: [PATCH_OP_SCHEMA], Operations: applicable as SCIMMY.Messages.PatchOp.PatchOpOperation[] })
        .apply(resource).catch((error: unknown) => { throw fromScimmyError(error); });
      if (result !== undefined) patched = tidyMultiValued(current, JSON.parse(JSON.stringify(result)) as Record<string, unknown>);
    }
    return write(trx, ctx, changes, caller, op, record, readUserBody(patched));
  }));
  if (deactivation) await mailAdminsAboutServiceKeys(ctx, caller.accountId, deactivation);
  return getScimUser(ctx, caller, id, projection);
}

/** `DELETE /Users/{id}` → 204: deleted as `DELETE /v2/users/{id}` deletes (§5.5); afterwards 404 and absent from lists. */
export async function deleteScimUser(ctx: ServiceDeps, caller: ScimCaller, id: string): Promise<void> {
  const userId = userIdOf(id);
  const op: ScimOperation = { operation: 'DELETE /scim/v2/Users/{id}', params: { id } };
  const report = await runScimMutation(ctx, caller, op, async (trx, changes) => {
    await visibleUser(trx, caller, userId, id);
    const deleted = await deleteWithin(trx, changes, { accountId: caller.accountId, userId, now: isoNow(ctx.clock) }).catch(asMutability);
    if (deleted) {
      op.text = JSON.stringify(deleted);
      changes.patchAccess({ op: 'removeUser', id: userId });
    }
    return deleted;
  });
  // A directory cannot be asked what to do with the person's service keys: the admins are told (after the commit).
  if (report) await mailAdminsAboutServiceKeys(ctx, caller.accountId, report);
}

async function visibleUser(trx: Trx, caller: ScimCaller, userId: number, id: string): Promise<ScimUserRecord> {
  const record = await forAccount(trx, caller.accountId).scimUsers.find(caller.idpId, userId);
  if (!record) throw scimNotFound(`User ${JSON.stringify(id)}`);
  return record;
}

/**
 * Writes a directory's description of an existing user: its email and name, the link (created, or taken over: the
 * user becomes SCIM-managed), then `active` — `false` deactivates (§5.5), `true` reactivates and syncs its SCIM grants.
 * Returns the deactivation's report when this write deactivated the user.
 */
async function write(
  trx: Trx, ctx: ServiceDeps, changes: ChangeSet, caller: ScimCaller, op: ScimOperation, record: ScimUserRecord, input: ScimUserInput,
): Promise<DeactivationReport | undefined> {
  const store = forAccount(trx, caller.accountId);
  const now = isoNow(ctx.clock);
  const userId = record.user.id;
  await checkEmail(trx, caller, input, userId);
  await store.scimUsers.updateUser(userId, { email: input.email, name: input.name, now });
  const link = record.link;
  // A SAML link the directory made follows its userName (an email change); a link a sign-in made keeps its subject.
  const subject = link && (caller.idpProtocol === 'OIDC' || link.provisioned_by_scim !== 1) ? link.subject : subjectFor(caller, userId, input);
  if (link) await store.scimUsers.updateLink(link.subject, linkValues(caller, userId, subject, input, now));
  else await store.scimUsers.createLink(linkValues(caller, userId, subject, input, now));
  changes.user(userId);
  // The email, the name and the link are not in the access snapshot; the person's standing and grants are.
  const takenOver = link?.provisioned_by_scim !== 1;
  if (input.active === false) {
    const deactivation = await deactivate(trx, changes, caller, op, userId, now);
    if (deactivation) changes.patchAccess(personEdit(record.user, false), ...deactivation.accessEdits);
    else changes.keepsAccess();
    return deactivation?.report;
  }
  const reactivated = input.active === true && record.user.deactivated_at !== null && await reactivateWithin(trx, changes, { accountId: caller.accountId, userId, now });
  const synced = reactivated || takenOver
    ? await syncScimGrants(trx, ctx, { accountId: caller.accountId, idpId: caller.idpId, userIds: [userId], now, ip: caller.ip, changes })
    : [];
  changes.patchAccess(...reactivated ? [personEdit(record.user, mayAuthenticate({ ...record.user, deactivated_at: null }))] : [], ...synced);
  return undefined;
}

/** Deactivates the user; the audit row gets what the deactivation did (the service keys kept, above all). */
async function deactivate(trx: Trx, changes: ChangeSet, caller: ScimCaller, op: ScimOperation, userId: number, now: string) {
  const deactivation = await deactivateWithin(trx, changes, { accountId: caller.accountId, userId, now }).catch(asMutability);
  if (deactivation) op.text = JSON.stringify({ request: op.text === undefined ? undefined : JSON.parse(op.text) as unknown, deactivation: deactivation.report });
  return deactivation;
}

function asMutability(error: unknown): never {
  throw error instanceof LastActiveAdmin ? scimInvalid('mutability', error.message) : error;
}

/**
 * The email must be on one of the provider's domains (400 `invalidValue`) and no other live user's (409); a userName
 * that is not an email must not be another of the provider's users' either.
 */
async function checkEmail(trx: Trx, caller: ScimCaller, input: ScimUserInput, self: number | undefined): Promise<void> {
  const store = forAccount(trx, caller.accountId);
  const domain = emailDomain(input.email);
  if (!await store.identityLinks.domainOf(caller.idpId, domain)) {
    throw scimInvalid('invalidValue', `the email ${JSON.stringify(input.email)} is not on one of the identity provider's domains`);
  }
  const holder = await store.scimUsers.liveEmailHolder(input.email.toLowerCase());
  if (holder !== undefined && holder !== self) throw scimConflict(`a user with email ${JSON.stringify(input.email)} already exists`);
  const named = await store.scimUsers.userNameHolder(caller.idpId, input.userName);
  if (named !== undefined && named !== self) throw scimConflict(`a user with userName ${JSON.stringify(input.userName)} already exists`);
}

/** SAML: the lower-cased email (the NameID the IdP will assert); OIDC: a placeholder the first sign-in replaces by `sub`. */
function subjectFor(caller: ScimCaller, userId: number, input: ScimUserInput): string {
  return caller.idpProtocol === 'SAML' ? input.email.toLowerCase() : `scim:${userId}`;
}

function linkValues(caller: ScimCaller, userId: number, subject: string, input: ScimUserInput, now: string) {
  return { idpId: caller.idpId, userId, subject, externalId: input.externalId, userName: input.userName, attributes: JSON.stringify(input.attributes), now };
}

/**
 * The operation as SCIMMY applies it to this user, or nothing for an operation that is already true. `id` (Entra
 * repeats it in path-less replaces) may only restate the user's id; `groups` is read-only (membership is changed
 * through `/Groups`). Entra adds `phoneNumbers[type eq "mobile"].value` to a user with no mobile number: the RFC's
 * filter would match nothing, so the element is added — once: `added` holds the elements an earlier operation of the
 * request added (Entra sends each part of an address as its own operation), which the filter then finds.
 */
function applicableOp(op: NormalisedOp, record: ScimUserRecord, current: Record<string, unknown>, added: Set<string>): object[] {
  const path = op.path.toLowerCase();
  if (path === 'id') {
    if (op.op !== 'remove' && typeof op.value === 'string' && parseScimId('User', op.value) === record.user.id) return [];
    throw scimInvalid('mutability', 'id cannot be changed');
  }
  if (path === 'groups' || path.startsWith('groups[') || path.startsWith('groups.')) throw scimInvalid('mutability', 'groups is read-only: change membership through /Groups');
  const typed = /^([a-z]+)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.([a-z]+)$/i.exec(op.path);
  if (typed && op.op !== 'remove') {
    const [, attribute, type, sub] = typed as unknown as [string, string, string, string];
    const key = Object.keys(current).find((k) => k.toLowerCase() === attribute.toLowerCase());
    const list = key === undefined ? [] : current[key];
    const element = `${attribute.toLowerCase()}[${type.toLowerCase()}]`;
    const present = added.has(element) || (Array.isArray(list) && list.some((e) => typeof (e as { type?: unknown }).type === 'string' && (e as { type: string }).type.toLowerCase() === type.toLowerCase()));
    if (!present) {
      added.add(element);
      return [{ op: 'add', path: attribute, value: [{ type, [sub]: op.value }] }];
    }
  }
  return [op];
}

/** Two directory requests at once for one email: the loser's insert collides; it is the same 409 a retry would get. */
async function writing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error)) throw scimConflict('a user with that email or userName already exists');
    if (error instanceof ScimError) throw error;
    throw fromScimmyError(error);
  }
}
