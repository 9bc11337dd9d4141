import { generatePassword, hashPassword } from '../auth/password-hash.js';
import { isoNow } from '../domain/clock.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../domain/errors.js';
import { decodeId } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { decodeCursor, toPage } from './pagination.js';
import type { ServiceDeps } from './service-deps.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import { forAccount } from '../store/account-store.js';
import { personEdit } from '../store/change-feed.js';
import type { ListedUser } from '../store/repositories/users.js';
import type { AccountRoleKey, UserRow, UserStatus } from '../store/schema.js';
import { requireAccountAdmin } from './authorize.js';
import { type Actor, runMutation } from './mutation.js';
import { type RemovalCascade, type RemovalOptions, runRemoval } from './removal-cascade.js';
import { deleteWithin, LastActiveAdmin, withServiceKeyAction } from './deprovisioning.js';
import { endSessions } from './sessions.js';
import { requirePasswordSignIn, signsInWithSso } from './sso/identity-links.js';
import { issueUserToken, mailUserToken } from './user-tokens.js';
import { findLiveUser } from './users-lookup.js';

export type InviteMode = 'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE';
export type AccountRoleInput = { type: 'PREDEFINED'; name: AccountRoleKey } | { type: 'CUSTOM'; id: string; name?: string | undefined };

/** A user as the API shows it: `status` is the effective one (src/store/repositories/users.ts). */
export type { ListedUser };

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

/** Whom the principal may list users as: undefined for an account admin (everyone), else the principal's user. */
function listingViewer(principal: Principal): number | undefined {
  return principal.role === 'ADMIN' ? undefined : principal.userId;
}

/** Human users the principal may see (account admins: all of the account's), by id, keyset-paginated. */
export async function listUsers(ctx: ServiceDeps, principal: Principal, query: ListUsersQuery) {
  const scope = 'users';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const rows = await forAccount(ctx.store.db, principal.accountId).users.list({
    now: isoNow(ctx.clock), visibleTo: listingViewer(principal),
    email: query.email, statuses: query.status, after, limit: query.limit + 1,
  });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/**
 * The key under which a users list answer may be kept (UsersPageCache), naming everything the answer depends on
 * besides the database and the time: the account, whom the principal may see (account admins also see each user's
 * SCIM provider), the page asked for. Undefined for a filtered list, which is not kept.
 */
export function usersPageKey(principal: Principal, query: ListUsersQuery): string | undefined {
  if (query.email !== undefined || query.status !== undefined) return undefined;
  return JSON.stringify([principal.accountId, listingViewer(principal) ?? 'ADMIN', query.limit, query.cursor ?? null]);
}

/** When these listed users' answer changes with time alone (their first open invitation to lapse after `now`), if ever. */
export async function usersChangeAt(ctx: ServiceDeps, principal: Principal, userIds: readonly number[], now: string): Promise<string | undefined> {
  return forAccount(ctx.store.db, principal.accountId).users.firstInvitationLapse(userIds, now);
}

/** A live user of the account that the principal may see (bots included: service keys name them); else 404. */
export async function getUser(ctx: ServiceDeps, principal: Principal, userId: string): Promise<ListedUser> {
  const id = decodeId('User', userId, 'user_id');
  const row = await forAccount(ctx.store.db, principal.accountId).users.findListed(id, isoNow(ctx.clock), {
    visibleTo: principal.role === 'ADMIN' ? undefined : principal.userId,
  });
  if (!row) throw notFound('user');
  return row;
}

/**
 * getUser for many ids at once, in one read per 1,000 ids (a GraphQL page's members and creators): the users the
 * principal may see, by id; an id it may not see, or of no live user, is absent. With `named: true` the ids come
 * from an answer the principal was allowed to read and that names those users already — who has access to a space
 * (listPrincipalsOfEach, which needs ROLE_BINDING_READ there), account admins outside the caller's organizations
 * included — so any live user of the account is found.
 */
export async function findUsers(ctx: ServiceDeps, principal: Principal, userIds: readonly number[], options: { named?: boolean } = {}): Promise<Map<number, ListedUser>> {
  const found = new Map<number, ListedUser>();
  const ids = [...new Set(userIds)];
  const now = isoNow(ctx.clock);
  const visibleTo = principal.role === 'ADMIN' || options.named === true ? undefined : principal.userId;
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await forAccount(ctx.store.db, principal.accountId).users.findListedMany(ids.slice(i, i + 1000), now, { visibleTo });
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/**
 * Invites a person (account admin). The email is the idempotency key: inviting it again answers the existing
 * user and sends nothing, except with invite_mode NONE, which is a 409. EMAIL_LINK mails a link valid for 7
 * days; TEMPORARY_PASSWORD answers a generated password once (only its hash is kept) that must be changed at
 * the first sign-in; NONE creates an EXPIRED user that can be invited later — or, when the email's domain belongs to
 * an identity provider of the account, an ACTIVE user who signs in with single sign-on (Arize: "immediately active"). The email of a deleted user is a
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
  const users = forAccount(ctx.store.db, principal.accountId).users;
  const existing = await users.findListedByEmail(emailLower, isoNow(ctx.clock));
  if (existing) return answerExisting(existing, input);
  if (await users.wasDeleted(emailLower)) {
    // As Arize does: deleting a user is terminal, so its email cannot be invited again (409).
    throw conflict(`the user with email ${JSON.stringify(input.email)} was deleted; deleted users cannot be re-invited`, 'user cannot be re-invited');
  }
  const temporaryPassword = input.invite_mode === 'TEMPORARY_PASSWORD' ? generatePassword() : undefined;
  const passwordHash = temporaryPassword === undefined ? null : await hashPassword(temporaryPassword, ctx.config.passwordHashN);
  let created: { id: number; token: string | undefined };
  try {
    created = await runMutation(ctx, actor, async (trx, changes) => {
      const now = isoNow(ctx.clock);
      const status = input.invite_mode !== 'NONE' ? 'INVITED' : await signsInWithSso(trx, principal.accountId, input.email) ? 'ACTIVE' : 'EXPIRED';
      const id = await forAccount(trx, principal.accountId).users.createHuman({
        name: input.name, email: input.email, role, status,
        isDeveloper: input.is_developer ?? role !== 'ANNOTATOR', passwordHash, mustChangePassword: temporaryPassword !== undefined, now,
      });
      changes.patchAccess(personEdit({ id, role }, status === 'ACTIVE'));
      const token = input.invite_mode === 'EMAIL_LINK' ? await issueUserToken(trx, ctx.secrets.tokenKey, id, 'INVITE', ctx.clock.now()) : undefined;
      return { id, token };
    });
  } catch (error) {
    // A concurrent invitation of the same email won the race: answer as if it had come first.
    const winner = isUniqueViolation(error) ? await users.findListedByEmail(emailLower, isoNow(ctx.clock)) : undefined;
    if (!winner) throw error;
    return answerExisting(winner, input);
  }
  const user = await users.findListed(created.id, isoNow(ctx.clock));
  if (!user) throw notFound('user');
  if (created.token !== undefined) {
    await mailUserToken(ctx, user, 'INVITE', created.token, {
      sentBy: principal.name, onFailure: 'the user was created, but the invitation mail could not be sent; resend the invitation',
    });
  }
  return { created: true, user, inviteMode: input.invite_mode, ...(temporaryPassword === undefined ? {} : { temporaryPassword }) };
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
    const users = forAccount(trx, principal.accountId).users;
    await users.update(id, { name: input.name, isDeveloper: input.is_developer, now: isoNow(ctx.clock) });
    changes.user(id);
    changes.keepsAccess();
    const user = await users.findListed(id, isoNow(ctx.clock));
    if (!user) throw notFound('user');
    return user;
  });
}

/**
 * Soft-deletes a user (account admin), in one transaction with its cascade (deleteWithin: memberships and bindings,
 * identity links and SCIM group memberships go, the USER keys it created are revoked, its console sessions and CLI
 * logins end), audited with what it took. The SERVICE keys it created (directly or through its bots) belong to the
 * account and keep working; they are reported, and kept, revoked or rotated as asked (see runRemoval). Already
 * deleted: nothing to do. The last ACTIVE account ADMIN cannot be deleted (422).
 */
export async function deleteUser(
  ctx: ServiceDeps, actor: Actor, userId: string, options: RemovalOptions = { dryRun: false, serviceKeys: 'keep' },
): Promise<RemovalCascade | undefined> {
  const { principal } = actor;
  const id = decodeId('User', userId, 'user_id');
  requireAccountAdmin(principal, 'delete users');
  const row = await forAccount(ctx.store.db, principal.accountId).users.find(id);
  if (!row) throw notFound('user');
  if (row.deleted_at !== null) return undefined;
  if (row.is_bot) throw unprocessable('user_id: bot users are deleted with their service key; revoke the key (PUT /v2/api-keys/{id}/revoke)');
  const audited: Actor = { ...actor };
  // Confined: a dry run keeps the service keys (runRemoval), so only the person's own grants and standing move.
  return runRemoval(ctx, audited, options, async (trx, changes) => {
    const report = await deleteWithin(trx, changes, { accountId: principal.accountId, userId: id, now: isoNow(ctx.clock) })
      .catch((error: unknown) => { throw error instanceof LastActiveAdmin ? new ApiError('LAST_ACTIVE_ADMIN', `user_id: ${error.message}`) : error; });
    if (!report) return undefined;
    changes.patchAccess({ op: 'removeUser', id });
    audited.text = JSON.stringify(withServiceKeyAction(report, options.serviceKeys));
    const removed = report.grants_removed;
    return {
      personId: id, reach: 'account',
      counts: {
        organizationMemberships: removed.organization_memberships, spaceMemberships: removed.space_memberships,
        roleBindings: removed.role_bindings, userKeysRevoked: report.user_keys_revoked.length,
      },
    };
  }, { users: [id] });
}

/**
 * A fresh invitation link for an INVITED or EXPIRED user (account admin): earlier links and any temporary
 * password stop working, the user is INVITED again and the mail goes out. An ACTIVE user or a bot is a 400
 * WRONG_USER_STATUS: the statuses Arize documents for this call are 204, 400, 401, 403, 404 and 429. A deactivated
 * user, or one whose identity provider allows only SSO logins, is a 422 (an invitation would set a password it may not use).
 */
export async function resendInvitation(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'resend invitations');
  const { user, token } = await runMutation(ctx, actor, async (trx, changes) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    requireNotDeactivated(target);
    if (target.is_bot || target.status === 'ACTIVE') {
      throw new ApiError('WRONG_USER_STATUS', `user_id: the user is ${target.is_bot ? 'a bot' : 'ACTIVE'}; only INVITED or EXPIRED users can be invited again`);
    }
    await requirePasswordSignIn(trx, target);
    await forAccount(trx, principal.accountId).users.clearPassword(target.id, isoNow(ctx.clock), { invited: true });
    changes.keepsAccess();
    return { user: target, token: await issueUserToken(trx, ctx.secrets.tokenKey, target.id, 'INVITE', ctx.clock.now()) };
  });
  await mailUserToken(ctx, user, 'INVITE', token, { sentBy: principal.name, onFailure: 'the invitation mail could not be sent' });
}

/**
 * Resets an ACTIVE user's password (account admin): the old password stops working, every console session of
 * the user ends, and a link valid for one hour lets the user choose a new one. Its API keys are unaffected.
 * A user who has not accepted its invitation, or a bot, is a 400 WRONG_USER_STATUS, as Arize answers; a deactivated
 * user, or one whose identity provider allows only SSO logins, is a 422.
 */
export async function resetPassword(ctx: ServiceDeps, actor: Actor, userId: string): Promise<void> {
  const { principal } = actor;
  requireAccountAdmin(principal, 'reset passwords');
  const { user, token } = await runMutation(ctx, actor, async (trx, changes) => {
    const target = await findLiveUser(trx, principal.accountId, userId);
    requireNotDeactivated(target);
    if (target.is_bot || target.status !== 'ACTIVE') {
      throw new ApiError('WRONG_USER_STATUS', target.is_bot
        ? 'user_id: bot users have no password'
        : `user_id: the user is ${target.status} and has no password yet; resend the invitation instead`);
    }
    await requirePasswordSignIn(trx, target);
    await forAccount(trx, principal.accountId).users.clearPassword(target.id, isoNow(ctx.clock), { invited: false });
    await endSessions(trx, target.id, isoNow(ctx.clock));
    changes.keepsAccess();
    return { user: target, token: await issueUserToken(trx, ctx.secrets.tokenKey, target.id, 'RESET', ctx.clock.now()) };
  });
  await mailUserToken(ctx, user, 'RESET', token, { sentBy: principal.name, onFailure: 'the password reset mail could not be sent' });
}

/** A deactivated user gets no invitation or password link: it could not sign in with it (identity.md §5.5). */
function requireNotDeactivated(user: UserRow): void {
  if (user.deactivated_at !== null) throw unprocessable('user_id: the user is deactivated; reactivate the user first');
}
