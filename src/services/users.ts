import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { generatePassword, hashPassword } from '../auth/password-hash.js';
import { isoNow } from '../domain/clock.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { decodeId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { decodeCursor, toPage } from './pagination.js';
import type { ServiceDeps } from './service-deps.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import { isPostgres } from '../store/dialect.js';
import type { AccountRoleKey, Database, UserRow, UserStatus } from '../store/schema.js';
import { containsInsensitive } from '../store/text-filter.js';
import { requireAccountAdmin } from './authorize.js';
import { removeAllMembershipsOf } from './membership-cascades.js';
import { type Actor, runMutation, type Trx } from './mutation.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { endSessions } from './sessions.js';
import { issueUserToken, mailUserToken } from './user-tokens.js';
import { findLiveUser } from './users-lookup.js';

export type InviteMode = 'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE';
export type AccountRoleInput = { type: 'PREDEFINED'; name: AccountRoleKey } | { type: 'CUSTOM'; id: string; name?: string | undefined };

/** A user as the API shows it: `status` is the effective one (see effectiveStatus). */
export type ListedUser = Pick<UserRow, 'id' | 'name' | 'email' | 'role' | 'status' | 'is_developer' | 'created_at'>;

export interface ListUsersQuery { email?: string | undefined; status?: UserStatus[] | undefined; limit: number; cursor?: string | undefined }

export interface CreateUserInput {
  name: string;
  email: string;
  role: AccountRoleInput;
  invite_mode: InviteMode;
  is_developer?: boolean | undefined;
}

export type CreateUserResult =
  | { created: true; user: ListedUser; inviteMode: InviteMode; temporaryPassword?: string }
  | { created: false; user: ListedUser };

const ALL_STATUSES: readonly UserStatus[] = ['ACTIVE', 'INVITED', 'EXPIRED'];

/**
 * INVITED means the invitation can still be accepted: a user invited by link whose link has lapsed (or was
 * never sent) is EXPIRED until an invitation is resent. Computed when read, so no job has to sweep statuses.
 * (A TEMPORARY_PASSWORD invitation has no link: it stays INVITED until the first sign-in.)
 */
function effectiveStatus(now: string) {
  return sql<UserStatus>`case when ${sql.ref('users.status')} = 'INVITED' and ${sql.ref('users.password_hash')} is null and not exists (
    select 1 from user_tokens t where t.user_id = ${sql.ref('users.id')} and t.kind = 'INVITE' and t.used_at is null and t.expires_at > ${now}
  ) then 'EXPIRED' else ${sql.ref('users.status')} end`;
}

function selectUsers(db: Kysely<Database> | Trx, now: string) {
  return db.selectFrom('users')
    .select(['users.id', 'users.name', 'users.email', 'users.role', 'users.is_developer', 'users.created_at'])
    .select(effectiveStatus(now).as('status'))
    .where('users.deleted_at', 'is', null);
}

/** Whom a principal other than an account admin may see: itself and the users it shares an organization with. */
function visibleTo(principal: Principal) {
  return (eb: ExpressionBuilder<Database, 'users'>) => eb.or([
    eb('users.id', '=', principal.userId),
    eb('users.id', 'in', eb.selectFrom('organization_memberships as theirs')
      .innerJoin('organization_memberships as mine', 'mine.organization_id', 'theirs.organization_id')
      .select('theirs.user_id').where('mine.user_id', '=', principal.userId)),
  ]);
}

/** Human users the principal may see (account admins: all of the account's), by id, keyset-paginated. */
export async function listUsers(ctx: ServiceDeps, principal: Principal, query: ListUsersQuery) {
  const scope = 'users';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  let q = selectUsers(ctx.store.db, isoNow(ctx.clock)).where('users.account_id', '=', principal.accountId).where('users.is_bot', '=', 0);
  if (principal.role !== 'ADMIN') q = q.where(visibleTo(principal));
  if (query.email) q = q.where(containsInsensitive('users.email', query.email));
  const statuses = new Set(query.status ?? ALL_STATUSES);
  if (statuses.size < ALL_STATUSES.length) q = q.where(effectiveStatus(isoNow(ctx.clock)), 'in', [...statuses]);
  if (after !== undefined) q = q.where('users.id', '>', after);
  const rows = await q.orderBy('users.id').limit(query.limit + 1).execute();
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/** A live user of the account that the principal may see (bots included: service keys name them); else 404. */
export async function getUser(ctx: ServiceDeps, principal: Principal, userId: string): Promise<ListedUser> {
  const id = decodeId('User', userId, 'user_id');
  let q = selectUsers(ctx.store.db, isoNow(ctx.clock)).where('users.id', '=', id).where('users.account_id', '=', principal.accountId);
  if (principal.role !== 'ADMIN') q = q.where(visibleTo(principal));
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

/**
 * Invites a person (account admin). The email is the idempotency key: inviting it again answers the existing
 * user and sends nothing, except with invite_mode NONE, which is a 409. EMAIL_LINK mails a link valid for 7
 * days; TEMPORARY_PASSWORD answers a generated password once (only its hash is kept) that must be changed at
 * the first sign-in; NONE creates an EXPIRED user that can be invited later. The email of a deleted user is a
 * 409: deletion is terminal, as in Arize.
 */
export async function createUser(ctx: ServiceDeps, actor: Actor, input: CreateUserInput): Promise<CreateUserResult> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'create users');
  if (input.role.type !== 'PREDEFINED') {
    throw unprocessable('role: CUSTOM account roles are reserved; use {"type":"PREDEFINED","name":"ADMIN"|"MEMBER"|"ANNOTATOR"}');
  }
  const role = input.role.name;
  const emailLower = input.email.toLowerCase();
  const existing = await findByEmail(ctx.store.db, principal.accountId, emailLower, isoNow(ctx.clock));
  if (existing) return answerExisting(existing, input);
  await refuseDeletedEmail(ctx.store.db, principal.accountId, input.email);
  const temporaryPassword = input.invite_mode === 'TEMPORARY_PASSWORD' ? generatePassword() : undefined;
  const passwordHash = temporaryPassword === undefined ? null : await hashPassword(temporaryPassword);
  let created: { id: number; token: string | undefined };
  try {
    created = await runMutation(ctx, actor, async (trx) => {
      const now = isoNow(ctx.clock);
      const { id } = await trx.insertInto('users').values({
        account_id: principal.accountId, name: input.name, email: input.email, email_lower: emailLower, role,
        status: input.invite_mode === 'NONE' ? 'EXPIRED' : 'INVITED', is_developer: (input.is_developer ?? role !== 'ANNOTATOR') ? 1 : 0,
        is_bot: 0, password_hash: passwordHash, must_change_password: temporaryPassword === undefined ? 0 : 1, deleted_at: null,
        created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      const token = input.invite_mode === 'EMAIL_LINK' ? await issueUserToken(trx, ctx.secrets.tokenKey, id, 'INVITE', ctx.clock.now()) : undefined;
      return { id, token };
    });
  } catch (error) {
    // A concurrent invitation of the same email won the race: answer as if it had come first.
    const winner = isUniqueViolation(error) ? await findByEmail(ctx.store.db, principal.accountId, emailLower, isoNow(ctx.clock)) : undefined;
    if (!winner) throw error;
    return answerExisting(winner, input);
  }
  const user = await selectUsers(ctx.store.db, isoNow(ctx.clock)).where('users.id', '=', created.id).executeTakeFirstOrThrow();
  if (created.token !== undefined) {
    await mailUserToken(ctx, user, 'INVITE', created.token, {
      sentBy: principal.name, onFailure: 'the user was created, but the invitation mail could not be sent; resend the invitation',
    });
  }
  return { created: true, user, inviteMode: input.invite_mode, ...(temporaryPassword === undefined ? {} : { temporaryPassword }) };
}

function findByEmail(db: Kysely<Database>, accountId: number, emailLower: string, now: string): Promise<ListedUser | undefined> {
  return selectUsers(db, now).where('users.account_id', '=', accountId).where('users.email_lower', '=', emailLower).executeTakeFirst();
}

/** As Arize does: deleting a user is terminal, so its email cannot be invited again (409). */
async function refuseDeletedEmail(db: Kysely<Database>, accountId: number, email: string): Promise<void> {
  const deleted = await db.selectFrom('users').select('id').where('account_id', '=', accountId)
    .where('email_lower', '=', email.toLowerCase()).where('is_bot', '=', 0).where('deleted_at', 'is not', null).executeTakeFirst();
  if (deleted) {
    throw conflict(`the user with email ${JSON.stringify(email)} was deleted; deleted users cannot be re-invited`, 'user cannot be re-invited');
  }
}

function answerExisting(existing: ListedUser, input: CreateUserInput): CreateUserResult {
  if (input.invite_mode === 'NONE') throw conflict(`a user with email ${JSON.stringify(input.email)} already exists`, 'email already exists');
  return { created: false, user: existing };
}

/**
 * Renames a user or sets is_developer (account admin). A user may rename itself; is_developer gates what it
 * may create, so only an admin changes it.
 */
export async function updateUser(ctx: ServiceDeps, actor: Actor, userId: string, input: { name?: string | undefined; is_developer?: boolean | undefined }) {
  const { principal } = actor;
  const id = decodeId('User', userId, 'user_id');
  if (principal.role !== 'ADMIN') {
    if (id !== principal.userId) {
      await getUser(ctx, principal, userId);
      throw forbidden('account admin required to update other users');
    }
    if (input.is_developer !== undefined) throw forbidden('account admin required to change is_developer');
  }
  return runMutation(ctx, actor, async (trx, changes) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    if (target.is_bot) throw unprocessable('user_id: bot users belong to their service key and cannot be changed here');
    await trx.updateTable('users').set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.is_developer !== undefined ? { is_developer: input.is_developer ? 1 : 0 } : {}),
      updated_at: isoNow(ctx.clock),
    }).where('id', '=', id).execute();
    changes.user(id);
    return selectUsers(trx, isoNow(ctx.clock)).where('users.id', '=', id).executeTakeFirstOrThrow();
  });
}

/**
 * Soft-deletes a user (account admin), in one transaction with its cascade: organization and space
 * memberships and role bindings go, the USER keys it created are revoked (kept for the audit trail), its console
 * sessions end. The SERVICE keys it created (directly or through its bots) belong to the account and keep
 * working; they are reported, and kept, revoked or rotated as asked (see runRemoval). Already deleted: nothing
 * to do. The last ACTIVE account ADMIN cannot be deleted (422).
 */
export async function deleteUser(
  ctx: ServiceDeps, actor: Actor, userId: string, options: RemovalOptions = { dryRun: false, serviceKeys: 'keep' },
): Promise<RemovalCascade | undefined> {
  const { principal } = actor;
  const id = decodeId('User', userId, 'user_id');
  requireAccountAdmin(principal, 'delete users');
  const row = await ctx.store.db.selectFrom('users').select(['is_bot', 'deleted_at']).where('id', '=', id)
    .where('account_id', '=', principal.accountId).executeTakeFirst();
  if (!row) throw notFound('user');
  if (row.deleted_at !== null) return undefined;
  if (row.is_bot) throw unprocessable('user_id: bot users are deleted with their service key; revoke the key (PUT /v2/api-keys/{id}/revoke)');
  return runRemoval(ctx, actor, options, async (trx, changes) => {
    await requireAnotherActiveAdmin(trx, principal.accountId, id);
    const now = isoNow(ctx.clock);
    const deleted = await trx.updateTable('users').set({ deleted_at: now, password_hash: null, updated_at: now })
      .where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (Number(deleted.numUpdatedRows) === 0) return undefined;
    const memberships = await removeAllMembershipsOf(trx, id);
    const revoked = await trx.updateTable('api_keys').set({ status: 'REVOKED', revoked_at: now })
      .where('created_by_user_id', '=', id).where('key_type', '=', 'USER').where('status', '=', 'ACTIVE')
      .returning('public_id').execute();
    for (const key of revoked) changes.key(key.public_id);
    await endSessions(trx, id, now);
    changes.user(id);
    return { personId: id, reach: 'account', counts: { ...memberships, userKeysRevoked: revoked.length } };
  });
}

/**
 * 422 when the user is the account's last ACTIVE human ADMIN. On PostgreSQL the admins' rows are locked so that
 * two admins deleting each other concurrently cannot both succeed; SQLite serializes writers anyway.
 */
async function requireAnotherActiveAdmin(trx: Trx, accountId: number, userId: number): Promise<void> {
  let q = trx.selectFrom('users').select(['id']).where('account_id', '=', accountId).where('role', '=', 'ADMIN')
    .where('status', '=', 'ACTIVE').where('is_bot', '=', 0).where('deleted_at', 'is', null);
  if (isPostgres(trx)) q = q.forUpdate();
  const admins = await q.execute();
  if (admins.some((a) => a.id === userId) && !admins.some((a) => a.id !== userId)) {
    throw unprocessable('user_id: this is the last ACTIVE account ADMIN; make another user an ADMIN first');
  }
}

/**
 * A fresh invitation link for an INVITED or EXPIRED user (account admin): earlier links and any temporary
 * password stop working, the user is INVITED again and the mail goes out. An ACTIVE user or a bot is a 400
 * WRONG_USER_STATUS: the statuses Arize documents for this call are 204, 400, 401, 403, 404 and 429.
 */
export async function resendInvitation(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'resend invitations');
  const { user, token } = await runMutation(ctx, actor, async (trx) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    if (target.is_bot || target.status === 'ACTIVE') {
      throw new ApiError('WRONG_USER_STATUS', `user_id: the user is ${target.is_bot ? 'a bot' : 'ACTIVE'}; only INVITED or EXPIRED users can be invited again`);
    }
    await trx.updateTable('users').set({ status: 'INVITED', password_hash: null, must_change_password: 0, updated_at: isoNow(ctx.clock) })
      .where('id', '=', target.id).execute();
    return { user: target, token: await issueUserToken(trx, ctx.secrets.tokenKey, target.id, 'INVITE', ctx.clock.now()) };
  });
  await mailUserToken(ctx, user, 'INVITE', token, { sentBy: principal.name, onFailure: 'the invitation mail could not be sent' });
}

/**
 * Resets an ACTIVE user's password (account admin): the old password stops working, every console session of
 * the user ends, and a link valid for one hour lets the user choose a new one. Its API keys are unaffected.
 * A user who has not accepted its invitation, or a bot, is a 400 WRONG_USER_STATUS, as Arize answers.
 */
export async function resetPassword(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'reset passwords');
  const { user, token } = await runMutation(ctx, actor, async (trx) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    if (target.is_bot || target.status !== 'ACTIVE') {
      throw new ApiError('WRONG_USER_STATUS', target.is_bot
        ? 'user_id: bot users have no password'
        : `user_id: the user is ${target.status} and has no password yet; resend the invitation instead`);
    }
    await trx.updateTable('users').set({ password_hash: null, must_change_password: 0, updated_at: isoNow(ctx.clock) })
      .where('id', '=', target.id).execute();
    await endSessions(trx, target.id, isoNow(ctx.clock));
    return { user: target, token: await issueUserToken(trx, ctx.secrets.tokenKey, target.id, 'RESET', ctx.clock.now()) };
  });
  await mailUserToken(ctx, user, 'RESET', token, { sentBy: principal.name, onFailure: 'the password reset mail could not be sent' });
}
