import type { Kysely } from 'kysely';
import { allowedResources } from '../access/index.js';
import { isoNow } from '../domain/clock.js';
import { ApiError, badRequest, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { decodeId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { decodeCursor, type Page, toPage } from './pagination.js';
import { digestKey, generateKey, keyStatus, type ApiKeyStatus } from '../keys/index.js';
import { forAccount } from '../store/account-store.js';
import type { ServiceDeps } from './service-deps.js';
import { isForeignKeyViolation } from '../store/constraint-errors.js';
import type { ApiKeyRow, Database } from '../store/schema.js';
import { requireVisible } from './authorize.js';
import { type Actor, runGrant, runMutation, type Trx } from './mutation.js';
import { createBotUser, presentBotUser, retireBotIfKeyless } from './service-key-bots.js';
import {
  currentServiceKeyScope, requireServiceKeyControl, requireWithinCeiling, resolveServiceKeyScope, type ServiceKeyScopeInput,
} from './service-key-scope.js';
import { requireAccountAdmin } from './authorize.js';
import { sessionPrincipal } from './sessions.js';
import { findLiveUser } from './users-lookup.js';
import { findOrphanedServiceKeys, type ListedKey } from './orphaned-service-keys.js';
import { type GraceUsage, graceUsageOfKeys } from './key-grace-usage.js';

export interface ListApiKeysQuery {
  key_type?: 'USER' | 'SERVICE' | undefined;
  status?: ApiKeyStatus | undefined;
  space_id?: string | undefined;
  user_id?: string | undefined;
  created_by_user_id?: string | undefined;
  orphaned?: boolean | undefined;
  all_users?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface KeyDetails { name: string; description?: string | undefined; expires_at?: string | undefined }
export type CreateApiKeyInput = (KeyDetails & { key_type: 'USER' }) | (KeyDetails & ServiceKeyScopeInput & { key_type: 'SERVICE' });
export interface RefreshApiKeyInput { expires_at?: string | undefined; grace_period_seconds?: number | undefined }

/** A new key record and its raw key, which the caller sees once and the server never stores. */
export interface IssuedKey { row: ApiKeyRow; key: string }
/** A created key; a SERVICE key comes with its bot user, every default resolved. */
export type CreatedKey = IssuedKey & { botUser?: ReturnType<typeof presentBotUser> };

/**
 * Keys created by the caller (or, `user_id`, by that user: account admins only), keyset-paginated by id.
 * `space_id` narrows to SERVICE keys whose bot is a member of that space; an account admin who gives
 * `space_id` without `user_id` sees every service key of the space, whoever created it. `created_by_user_id`
 * (account admins, or the caller itself) finds every key a person created, directly or through a bot key they
 * created. Anyone but an account admin sees a SERVICE key only while holding SERVICE_KEY_READ on each of its
 * spaces today: a creator who lost them no longer sees the key.
 *
 * `orphaned: true` (account admins; 403 otherwise) lists instead the account's SERVICE keys whose creator no
 * longer answers for them (see findOrphanedServiceKeys), each with its reason, narrowed by the other filters. Only
 * this list carries the reason: judging a key runs the privilege ceiling for its creator, a cost the ordinary
 * list (paged in SQL, asked on every page of the console and `ax`) does not pay.
 *
 * `all_users: true` (account admins; 403 otherwise) lists every key of the account whoever created it, narrowed by
 * the other filters, each SERVICE key with its bot user's current scope: the console's key inventory.
 */
export async function listApiKeys(ctx: ServiceDeps, principal: Principal, query: ListApiKeysQuery): Promise<Page<ListedKey & WithGraceUsage> & { now: string }> {
  if (query.orphaned === true) requireOrphanedQuery(principal, query);
  if (query.all_users === true) requireAccountAdmin(principal, 'list the keys of every user');
  const scope = query.orphaned === true ? 'api-keys?orphaned' : 'api-keys';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  let creatorId: number | undefined = principal.userId;
  if (query.user_id !== undefined) creatorId = await otherUserFilter(ctx, principal, query.user_id, 'user_id');
  const rootCreatorId = query.created_by_user_id === undefined ? undefined
    : await otherUserFilter(ctx, principal, query.created_by_user_id, 'created_by_user_id');
  if ((rootCreatorId !== undefined || query.all_users === true) && query.user_id === undefined) creatorId = undefined;
  let spaceId: number | undefined;
  const snapshot = await ctx.access.get(principal.accountId);
  if (query.space_id !== undefined) {
    spaceId = decodeId('Space', query.space_id, 'space_id');
    requireVisible(snapshot, principal, { type: 'SPACE', id: spaceId });
    if (query.user_id === undefined && principal.role === 'ADMIN') creatorId = undefined;
  }
  const now = isoNow(ctx.clock);
  if (query.orphaned === true) {
    // The whole account's keys unless user_id names a creator.
    const filter = { status: 'ACTIVE' as const, now, createdBy: query.user_id === undefined ? undefined : creatorId, rootCreator: rootCreatorId, spaceId, after };
    const found = await findOrphanedServiceKeys(ctx.store.db, snapshot, principal.accountId, filter, query.limit + 1);
    return { now, ...await withGraceUsage(ctx, principal.accountId, toPage(ctx.secrets.cursorKey, scope, found, query.limit, (k) => k.row.id, (k) => k), now) };
  }
  const rows = await forAccount(ctx.store.db, principal.accountId).apiKeys.list({
    status: query.status ?? 'ACTIVE', now, createdBy: creatorId, rootCreator: rootCreatorId, keyType: query.key_type, spaceId,
    // A service key is listed when its bot has a space and none outside the caller's readable spaces.
    readableSpaces: principal.role === 'ADMIN' ? undefined : allowedResources(snapshot, principal.userId, 'SERVICE_KEY_READ', 'SPACE'),
    after, limit: query.limit + 1,
  });
  const page = toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (row): ListedKey => ({ row }));
  if (query.all_users === true) {
    for (const key of page.items) {
      if (key.row.key_type === 'SERVICE') {
        key.botUser = presentBotUser(key.row.user_id, key.row.name, await currentServiceKeyScope(ctx.store.db, principal.accountId, key.row.user_id));
      }
    }
  }
  return { now, ...await withGraceUsage(ctx, principal.accountId, page, now) };
}

/** A listed key with, while a refresh's grace period runs, how much it is still used (rotation telemetry). */
export interface WithGraceUsage { graceUsage?: GraceUsage }

/** The page's keys in grace get their usage (one read for the page; none when no key is in grace). */
async function withGraceUsage<K extends { row: ApiKeyRow }>(ctx: ServiceDeps, accountId: number, page: Page<K>, now: string): Promise<Page<K & WithGraceUsage>> {
  const usage = await graceUsageOfKeys(ctx, accountId, page.items.map((key) => key.row), now);
  return { ...page, items: page.items.map((key) => (usage.has(key.row.id) ? { ...key, graceUsage: usage.get(key.row.id)! } : key)) };
}

/**
 * `GET /v2/api-keys/{id}` [ours]: one key, to its creator (its user, for a USER key) or an account admin — others get
 * a 404 — with its grace usage while a refresh's grace period runs.
 */
export async function getApiKey(ctx: ServiceDeps, principal: Principal, apiKeyId: string): Promise<{ row: ApiKeyRow; now: string } & WithGraceUsage> {
  const id = decodeId('ApiKey', apiKeyId, 'api_key_id');
  const row = await forAccount(ctx.store.db, principal.accountId).apiKeys.find(id);
  if (!row || (row.created_by_user_id !== principal.userId && row.user_id !== principal.userId && principal.role !== 'ADMIN')) throw notFound('API key');
  const now = isoNow(ctx.clock);
  const usage = (await graceUsageOfKeys(ctx, principal.accountId, [row], now)).get(row.id);
  return { row, now, ...(usage ? { graceUsage: usage } : {}) };
}

/** The orphaned list is the account admins' inventory of working SERVICE keys: other key types and statuses are no part of it. */
function requireOrphanedQuery(principal: Principal, query: ListApiKeysQuery): void {
  requireAccountAdmin(principal, 'list orphaned service keys');
  if (query.key_type === 'USER') throw badRequest('key_type: only SERVICE keys can be orphaned (a USER key stops working with its user); leave out key_type or orphaned');
  if (query.status === 'REVOKED') throw badRequest('status: orphaned lists the keys that still work; leave out status or orphaned');
}

/** A user id filter of the list: the caller itself, or anyone of the account for an account admin (403 otherwise; unknown 404). */
async function otherUserFilter(ctx: ServiceDeps, principal: Principal, wireId: string, field: string): Promise<number> {
  const userId = decodeId('User', wireId, field);
  if (userId !== principal.userId && principal.role !== 'ADMIN') throw forbidden(`${field}: only account admins may list the keys of other users`);
  const user = await forAccount(ctx.store.db, principal.accountId).users.find(userId);
  if (!user) throw notFound('user');
  return userId;
}

/**
 * A user may be given a USER key's secret (a new key, or a refreshed one) only while it may create one: not as an
 * account ANNOTATOR (the role grants nothing beyond its memberships), and only with is_developer, Arize's "developer
 * permissions (can use the Arize API)". A refresh is held to it too, or turning is_developer off would leave the
 * person able to mint new secrets for the keys it already has. SERVICE keys are not: they are the bot's.
 */
async function requireUserKeyHolder(ctx: ServiceDeps, principal: Principal, userId: number, field: string): Promise<void> {
  const self = userId === principal.userId;
  const user = await forAccount(ctx.store.db, principal.accountId).users.find(userId);
  const who = self ? 'you are' : 'the key\'s user is';
  if ((self ? principal.role : user?.role) === 'ANNOTATOR') {
    throw forbidden(`${field}: ${who} an account ANNOTATOR, whose role does not include USER keys (MEMBER and ADMIN do); ask an account admin`);
  }
  if (user?.is_developer === 0) {
    throw forbidden(`${field}: ${who} not a developer (is_developer is false), so ${self ? 'you' : 'it'} may not be given USER API keys; ask an account admin to set is_developer`);
  }
}

/**
 * A USER key for the caller itself (an account ADMIN or MEMBER with is_developer: the ANNOTATOR account role grants
 * nothing beyond its memberships, and a bot may not), or a SERVICE key together with its bot
 * user, scoped and bounded by the caller's own rights (see resolveServiceKeyScope) — one transaction.
 */
export async function createApiKey(ctx: ServiceDeps, actor: Actor, input: CreateApiKeyInput): Promise<CreatedKey> {
  const { principal } = actor;
  const now = isoNow(ctx.clock);
  const expiresAt = input.expires_at === undefined ? null : futureTime(input.expires_at, now, 'expires_at');
  const details = { accountId: principal.accountId, name: input.name, description: input.description ?? null, expiresAt, now };
  if (input.key_type === 'USER') {
    if (principal.isBot) throw forbidden('key_type: a service key\'s bot user cannot create USER keys');
    await requireUserKeyHolder(ctx, principal, principal.userId, 'key_type');
    return runMutation(ctx, actor, (trx, changes) => {
      changes.keepsAccess();
      return issueKey(trx, ctx.secrets.keyPepper, {
        ...details, keyType: 'USER', userId: principal.userId, createdBy: principal.userId, rootCreator: principal.userId,
      });
    });
  }
  try {
    return await runGrant(ctx, actor, async (trx, changes, snapshot) => {
      const scope = await resolveServiceKeyScope(trx, snapshot, principal, input);
      const botId = await createBotUser(trx, changes, principal.accountId, input.name, scope, now);
      const issued = await issueKey(trx, ctx.secrets.keyPepper, {
        ...details, keyType: 'SERVICE', userId: botId, createdBy: principal.userId, rootCreator: await rootCreatorOf(trx, principal),
      });
      return { ...issued, botUser: presentBotUser(botId, input.name, scope) };
    });
  } catch (error) {
    // An organization, space or role removed by a concurrent request after it was checked.
    if (isForeignKeyViolation(error)) throw notFound('organization, space or role');
    throw error;
  }
}

/**
 * Rotates a key: a new record (new id and secret; same name, description, type, creator and principal, so a
 * service key keeps its bot user). The old key is revoked at once, or with a grace period keeps working until
 * min(now + grace, its own expiry). A key with an expiry must be given one, no later than its own.
 */
export async function refreshApiKey(ctx: ServiceDeps, actor: Actor, apiKeyId: string, input: RefreshApiKeyInput): Promise<IssuedKey> {
  const id = decodeId('ApiKey', apiKeyId, 'api_key_id');
  const now = isoNow(ctx.clock);
  const old = await findKey(ctx.store.db, actor.principal, id);
  requireCreatorOrAdmin(actor.principal, old, 'refresh');
  if (old.key_type === 'USER') await requireUserKeyHolder(ctx, actor.principal, old.user_id, 'api_key_id');
  // A creator who lost control learns nothing about the key, its status included (checked again below, current).
  if (old.key_type === 'SERVICE') {
    const snapshot = await ctx.access.get(actor.principal.accountId);
    await requireServiceKeyControl(ctx.store.db, snapshot, actor.principal, await currentServiceKeyScope(ctx.store.db, actor.principal.accountId, old.user_id), 'read');
  }
  if (keyStatus(old, now) === 'REVOKED') throw unprocessable('the key is revoked; create a new key instead');
  if (old.replaced_by_id !== null) throw unprocessable('the key was already refreshed; refresh its replacement instead');
  if (old.expires_at !== null && old.expires_at <= now) throw unprocessable('the key has expired; create a new key instead');
  const expiresAt = input.expires_at === undefined ? null : futureTime(input.expires_at, now, 'expires_at');
  if (old.expires_at !== null) {
    if (expiresAt === null) throw unprocessable(`expires_at: required, because the key expires at ${old.expires_at} and a refresh may not extend it`);
    if (expiresAt > old.expires_at) throw unprocessable(`expires_at: may not be later than the key's own expiry ${old.expires_at}`);
  }
  const grace = input.grace_period_seconds ?? 0;
  // A new working secret is a grant: decided on the caller's rights current inside the transaction.
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    if (old.key_type === 'SERVICE') {
      await requireServiceKeyControl(trx, snapshot, actor.principal, await currentServiceKeyScope(trx, actor.principal.accountId, old.user_id), 'refresh');
    }
    const issued = await issueKey(trx, ctx.secrets.keyPepper, {
      accountId: old.account_id, name: old.name, description: old.description, expiresAt, now, keyType: old.key_type, userId: old.user_id,
      createdBy: old.created_by_user_id, rootCreator: old.root_creator_user_id ?? old.created_by_user_id,
    });
    const graceEnd = new Date(Date.parse(now) + grace * 1000).toISOString();
    const retired = await forAccount(trx, old.account_id).apiKeys.retire(old.id, issued.row.id, grace === 0
      ? { revokedAt: now }
      : { expiresAt: old.expires_at !== null && old.expires_at < graceEnd ? old.expires_at : graceEnd });
    if (!retired) {
      throw new ApiError('CONFLICT', 'the key was refreshed or revoked by another request meanwhile; list the keys again', { title: 'Conflict' });
    }
    changes.key(old.public_id);
    changes.keepsAccess();
    return issued;
  });
}

/**
 * Revokes a key at once (idempotent). Revoking a SERVICE key retires its bot user when no key of the bot
 * can authenticate any more.
 */
export async function revokeApiKey(ctx: ServiceDeps, actor: Actor, apiKeyId: string): Promise<ApiKeyRow> {
  const id = decodeId('ApiKey', apiKeyId, 'api_key_id');
  const snapshot = await ctx.access.get(actor.principal.accountId);
  // A revoke moves no one's access but the key's bot's (retired with its last key): a dry run compares just it.
  const confinedTo = actor.dryRun ? { users: [(await findKey(ctx.store.db, actor.principal, id)).user_id] } : undefined;
  return runMutation(ctx, actor, async (trx, changes) => {
    const row = await findKey(trx, actor.principal, id);
    requireCreatorOrAdmin(actor.principal, row, 'revoke');
    const now = isoNow(ctx.clock);
    // Revoking a key that can no longer authenticate changes nothing but may retire its bot: no control needed.
    if (row.key_type === 'SERVICE' && keyStatus(row, now) === 'ACTIVE') {
      await requireServiceKeyControl(trx, snapshot, actor.principal, await currentServiceKeyScope(trx, actor.principal.accountId, row.user_id), 'revoke');
    }
    await forAccount(trx, actor.principal.accountId).apiKeys.revoke(id, now);
    changes.key(row.public_id);
    changes.keepsAccess();
    if (row.key_type === 'SERVICE') await retireBotIfKeyless(trx, row.account_id, row.user_id, now, changes);
    return { ...row, status: 'REVOKED' as const, revoked_at: row.revoked_at ?? now };
  }, { confinedTo });
}

/**
 * Gives a SERVICE key a new creator (account admin; identity.md §5.5), e.g. when the person who created it leaves:
 * the new owner becomes its creator and the root of its chain of creators, so it controls and answers for the key.
 * The owner must be a live, ACTIVE, not deactivated human of the account (else 422) holding today every permission
 * the key's grants carry — the ceiling a creation or refresh is held to (else 403 naming the first one missing),
 * decided on rights current inside the transaction. A USER key belongs to its user (422); a revoked key is 422.
 */
export async function transferApiKey(ctx: ServiceDeps, actor: Actor, apiKeyId: string, input: { created_by_user_id: string }): Promise<ApiKeyRow> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'transfer API keys');
  const id = decodeId('ApiKey', apiKeyId, 'api_key_id');
  return runGrant(ctx, actor, async (trx, changes, snapshot) => {
    const key = await findKey(trx, principal, id);
    if (key.key_type !== 'SERVICE') throw unprocessable('api_key_id: a USER key belongs to its user and cannot be transferred');
    if (keyStatus(key, isoNow(ctx.clock)) === 'REVOKED') throw unprocessable('api_key_id: the key is revoked; create a new key instead');
    const owner = await findLiveUser(trx, principal.accountId, input.created_by_user_id, 'created_by_user_id');
    if (owner.is_bot === 1 || owner.status !== 'ACTIVE' || owner.deactivated_at !== null) {
      throw unprocessable(`created_by_user_id: the new owner must be an ACTIVE person; this user is ${owner.is_bot === 1 ? 'a bot' : owner.deactivated_at !== null ? 'deactivated' : owner.status}`);
    }
    try {
      await requireWithinCeiling(trx, snapshot, sessionPrincipal(owner), await currentServiceKeyScope(trx, principal.accountId, key.user_id));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'FORBIDDEN') {
        throw forbidden(`created_by_user_id: the new owner does not hold every permission of the key (${(error.detail ?? '').replaceAll('you do not', 'the new owner does not')})`);
      }
      throw error;
    }
    const row = await forAccount(trx, principal.accountId).apiKeys.transfer(key.id, owner.id);
    if (!row) throw notFound('API key');
    changes.key(row.public_id);
    changes.keepsAccess();
    return row;
  });
}

async function findKey(db: Trx | Kysely<Database>, principal: Principal, id: number): Promise<ApiKeyRow> {
  const row = await forAccount(db, principal.accountId).apiKeys.find(id);
  if (!row) throw notFound('API key');
  return row;
}

/**
 * Only the key's creator or an account admin may refresh or revoke it (a creator's SERVICE key also needs the
 * creator's rights today: requireServiceKeyControl). The key's own principal (a bot, for a service key) may know
 * of it and is told 403; for everyone else the key does not exist (404).
 */
function requireCreatorOrAdmin(principal: Principal, row: ApiKeyRow, verb: string): void {
  if (row.created_by_user_id === principal.userId || principal.role === 'ADMIN') return;
  if (row.user_id === principal.userId) throw forbidden(`only the key's creator or an account admin may ${verb} it`);
  throw notFound('API key');
}

/** An RFC 3339 time (already format-checked) as stored (UTC, milliseconds), which must lie after `now`. */
function futureTime(value: string, now: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`${field}: not a valid RFC 3339 time: ${JSON.stringify(value)}`);
  const time = new Date(ms).toISOString();
  if (time <= now) throw unprocessable(`${field}: must be in the future (now is ${now})`);
  return time;
}

/**
 * The human at the root of the principal's chain of creators: itself, or for a bot the root creator of the
 * bot's own service key (so a key minted by a bot is found when the person behind the bot is removed).
 */
async function rootCreatorOf(trx: Trx, principal: Principal): Promise<number> {
  if (!principal.isBot) return principal.userId;
  const parent = await forAccount(trx, principal.accountId).apiKeys.creatorsOfBot(principal.userId);
  return parent ? parent.root_creator_user_id ?? parent.created_by_user_id : principal.userId;
}

export async function issueKey(trx: Trx, pepper: Buffer, key: {
  accountId: number; keyType: 'USER' | 'SERVICE'; userId: number; createdBy: number; rootCreator: number; name: string;
  description: string | null; expiresAt: string | null; now: string;
}): Promise<IssuedKey> {
  const generated = generateKey();
  const row = await forAccount(trx, key.accountId).apiKeys.insert({
    keyType: key.keyType, userId: key.userId, createdBy: key.createdBy, rootCreator: key.rootCreator, name: key.name,
    description: key.description, publicId: generated.publicId, secretHash: digestKey(pepper, generated.raw), last4: generated.last4,
    expiresAt: key.expiresAt, now: key.now,
  });
  return { row, key: generated.raw };
}
