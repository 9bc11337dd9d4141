import { type Compilable, type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';
import type { AccountRoleKey, Database, UserRow, UserStatus } from '../schema.js';
import { containsInsensitive } from '../text-filter.js';
import { idList, inIdList, PreparedQuery } from '../prepared-query.js';
import { unindexed, unindexedWhen } from '../unindexed-column.js';

/** A user as the API shows it: `status` is the effective one (see effectiveStatus). */
export type ListedUser = Pick<UserRow, 'id' | 'name' | 'email' | 'role' | 'status' | 'is_developer' | 'created_at' | 'deactivated_at'>;

const ALL_STATUSES: readonly UserStatus[] = ['ACTIVE', 'INVITED', 'EXPIRED'];

/**
 * INVITED means the invitation can still be accepted: a user invited by link whose link has lapsed (or was
 * never sent) is EXPIRED until an invitation is resent. Computed when read, so no job has to sweep statuses.
 * (A TEMPORARY_PASSWORD invitation has no link: it stays INVITED until the first sign-in.) A deactivated user reads
 * EXPIRED whatever its stored status, which reactivation brings back (identity.md §5.5).
 */
function effectiveStatus(now: string) {
  return sql<UserStatus>`case when ${sql.ref('users.deactivated_at')} is not null then 'EXPIRED' when ${sql.ref('users.status')} = 'INVITED' and ${sql.ref('users.password_hash')} is null and not exists (
    select 1 from user_tokens t where t.user_id = ${sql.ref('users.id')} and t.kind = 'INVITE' and t.used_at is null and t.expires_at > ${now}
  ) then 'EXPIRED' else ${sql.ref('users.status')} end`;
}

/** Whom a user other than an account admin may see: itself and the users it shares an organization with. */
function visibleTo(viewerId: number) {
  return (eb: ExpressionBuilder<Database, 'users'>) => eb.or([
    eb('users.id', '=', viewerId),
    eb('users.id', 'in', eb.selectFrom('organization_memberships as theirs')
      .innerJoin('organization_memberships as mine', 'mine.organization_id', 'theirs.organization_id')
      .select('theirs.user_id').where('mine.user_id', '=', viewerId)),
  ]);
}

/**
 * A bot acts only through its service keys, so once each of them is revoked or expired it holds nothing, whatever
 * its memberships say. Expiry comes with time, not with a change the access snapshot would hear of, so this is
 * asked at read time.
 */
function workingKeyExists(eb: ExpressionBuilder<Database, 'users'>, now: string) {
  return eb.exists(eb.selectFrom('api_keys').select('api_keys.id').whereRef('api_keys.user_id', '=', 'users.id')
    .where('api_keys.status', '=', 'ACTIVE')
    .where((k) => k.or([k('api_keys.expires_at', 'is', null), k('api_keys.expires_at', '>', now)])));
}

/** Read by every grant and user change: compiled once (see PreparedQuery). */
const liveUserById = new PreparedQuery((db, accountId: number, id: number) =>
  db.selectFrom('users').selectAll().where('id', '=', id).where('account_id', '=', accountId).where('deleted_at', 'is', null));

/**
 * Live users of the account as the API shows them, their status read at `now`. `byIds`: the caller narrows them to a
 * list of ids, which are then read by id, the account's index left aside (unindexed-column.ts: from four ids on,
 * SQLite read every user of the account through it, 5.9 ms for 50 users of a 100k-user account, 0.05 ms by id).
 */
function listed(db: Kysely<Database>, accountId: number, now: string, byIds = false) {
  return db.selectFrom('users')
    .select(['users.id', 'users.name', 'users.email', 'users.role', 'users.is_developer', 'users.created_at', 'users.deactivated_at'])
    .select(effectiveStatus(now).as('status'))
    .where(unindexedWhen(byIds, 'users.account_id'), '=', accountId)
    .where('users.deleted_at', 'is', null);
}

/** A page of the list (live human users by id after `after`), before its filters. */
function listPage(db: Kysely<Database>, accountId: number, now: string, after: number, limit: number) {
  return listed(db, accountId, now).where('users.is_bot', '=', 0).where('users.id', '>', after).orderBy('users.id').limit(limit);
}

/** A page as the database answers it: its rows on PostgreSQL, one JSON text on SQLite (see packed). */
type PageRow = ListedUser | { users: string };

/**
 * On SQLite, the page as one JSON text that SQLite builds and V8 parses: better-sqlite3 makes each row's object
 * through V8's C++ API, which cost ~450 µs for a page of 100 users, five times SQLite running the query. `pg` reads
 * PostgreSQL's rows in JavaScript: they come as they are.
 */
function packed(db: Kysely<Database>, page: ReturnType<typeof listPage>): Compilable<PageRow> {
  if (isPostgres(db)) return page;
  return db.selectFrom(page.as('p')).select(sql<string>`json_group_array(json_array(
    p.id, p.name, p.email, p.role, p.is_developer, p.created_at, p.deactivated_at, p.status) order by p.id)`.as('users'));
}

type PackedUser = [number, string, string, AccountRoleKey, number, string, string | null, UserStatus];

/** The users of a page that `packed` gave. */
function unpacked(db: Kysely<Database>, rows: PageRow[]): ListedUser[] {
  if (isPostgres(db)) return rows as ListedUser[];
  const [{ users }] = rows as [{ users: string }];
  return (JSON.parse(users) as PackedUser[]).map(([id, name, email, role, is_developer, created_at, deactivated_at, status]) => ({
    id, name, email, role, is_developer, created_at, deactivated_at, status,
  }));
}

/**
 * The unfiltered pages, which nearly every list asks for (an admin's, or anyone else's), compiled once (see
 * PreparedQuery): building the page query cost more than SQLite running it. PostgreSQL keeps them (see keepStatement):
 * parsed and planned again on every run, page 1 of 100 users cost its backend ~220 µs of CPU; kept, ~75 µs.
 */
const everyonesPage = new PreparedQuery((db, accountId: number, now: string, after: number, limit: number) =>
  packed(db, listPage(db, accountId, now, after, limit)), { keptOnPostgres: true });
const visiblePage = new PreparedQuery((db, accountId: number, now: string, after: number, limit: number, viewer: number) =>
  packed(db, listPage(db, accountId, now, after, limit).where(visibleTo(viewer))), { keptOnPostgres: true });

/** Read with each users page built for the page cache: compiled once (see PreparedQuery), the ids bound as one value. */
const firstInvitationLapse = new PreparedQuery((db, accountId: number, userIds: unknown, now: string) =>
  db.selectFrom('user_tokens as t').innerJoin('users', 'users.id', 't.user_id')
    .select((eb) => eb.fn.min('t.expires_at').as('at'))
    .where(unindexed('users.account_id'), '=', accountId).where(inIdList(db, 'users.id', userIds))
    .where('t.kind', '=', 'INVITE').where('t.used_at', 'is', null).where('t.expires_at', '>', now));

/** One account's users: every query is filtered by the account it was made for. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * Live human users by id after `after` (keyset), only those `visibleTo` may see when given (else all), filtered
   * by an email substring and by effective status.
   */
  async list(options: {
    now: string; visibleTo?: number | undefined; email?: string | undefined; statuses?: readonly UserStatus[] | undefined;
    after?: number | undefined; limit: number;
  }): Promise<ListedUser[]> {
    const { now, visibleTo: viewer, limit } = options;
    // Row ids start at 1, so the first page is the page after 0.
    const after = options.after ?? 0;
    const statuses = new Set(options.statuses ?? ALL_STATUSES);
    if (!options.email && statuses.size === ALL_STATUSES.length) {
      return unpacked(this.db, viewer === undefined ? await everyonesPage.all(this.db, this.accountId, now, after, limit)
        : await visiblePage.all(this.db, this.accountId, now, after, limit, viewer));
    }
    let q = listPage(this.db, this.accountId, now, after, limit);
    if (viewer !== undefined) q = q.where(visibleTo(viewer));
    if (options.email) q = q.where(containsInsensitive('users.email', options.email));
    if (statuses.size < ALL_STATUSES.length) q = q.where(effectiveStatus(now), 'in', [...statuses]);
    return unpacked(this.db, (await this.db.executeQuery(packed(this.db, q).compile())).rows);
  }

  /**
   * The first instant after `now` at which an open invitation link of one of these users lapses: their effective
   * status (see effectiveStatus) can change with time alone then, and only then. Undefined when none will.
   */
  async firstInvitationLapse(ids: readonly number[], now: string): Promise<string | undefined> {
    if (ids.length === 0) return undefined;
    const row = await firstInvitationLapse.first(this.db, this.accountId, idList(this.db, ids), now);
    return row?.at ?? undefined;
  }

  /** A live user (bots included), if `visibleTo` may see it when given. */
  findListed(id: number, now: string, options: { visibleTo?: number | undefined } = {}): Promise<ListedUser | undefined> {
    let q = listed(this.db, this.accountId, now).where('users.id', '=', id);
    if (options.visibleTo !== undefined) q = q.where(visibleTo(options.visibleTo));
    return q.executeTakeFirst();
  }

  /** Several live users (bots included) by id, those `visibleTo` may see when given (else all); at most 1,000 ids. */
  findListedMany(ids: readonly number[], now: string, options: { visibleTo?: number | undefined } = {}): Promise<ListedUser[]> {
    if (ids.length === 0) return Promise.resolve([]);
    let q = listed(this.db, this.accountId, now, true).where('users.id', 'in', ids);
    if (options.visibleTo !== undefined) q = q.where(visibleTo(options.visibleTo));
    return q.execute();
  }

  findListedByEmail(emailLower: string, now: string): Promise<ListedUser | undefined> {
    return listed(this.db, this.accountId, now).where('users.email_lower', '=', emailLower).executeTakeFirst();
  }

  /** The user row, deleted or not. */
  find(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
  }

  /** The live (not deleted) user row. */
  findLive(id: number): Promise<UserRow | undefined> {
    return liveUserById.first(this.db, this.accountId, id);
  }

  /** Of these ids, the live humans and the live bots one of whose keys works at `now`. */
  findActing(ids: readonly number[], now: string): Promise<Pick<UserRow, 'id' | 'name' | 'email' | 'is_bot'>[]> {
    return this.db.selectFrom('users').select(['id', 'name', 'email', 'is_bot'])
      .where(unindexed('account_id'), '=', this.accountId).where('deleted_at', 'is', null).where('id', 'in', ids)
      .where((eb) => eb.or([eb('is_bot', '=', 0), workingKeyExists(eb, now)]))
      .execute();
  }

  /** One of the user's keys works at `now`. */
  async hasWorkingKey(id: number, now: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('users.id').where('users.id', '=', id).where('users.account_id', '=', this.accountId)
      .where((eb) => workingKeyExists(eb, now)).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * A deleted human user had this email: deletion is terminal, so it cannot be invited again. Read through the index
   * by email (migration 021), the account's kept off it: through the account's, every human of the account was read.
   */
  async wasDeleted(emailLower: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where(unindexed('account_id'), '=', this.accountId)
      .where('email_lower', '=', emailLower).where('is_bot', '=', 0).where('deleted_at', 'is not', null).executeTakeFirst();
    return row !== undefined;
  }

  async createHuman(values: {
    name: string; email: string; role: AccountRoleKey; status: UserStatus; isDeveloper: boolean; passwordHash: string | null;
    mustChangePassword: boolean; now: string;
  }): Promise<number> {
    const { id } = await this.db.insertInto('users').values({
      account_id: this.accountId, name: values.name, email: values.email, email_lower: values.email.toLowerCase(), role: values.role,
      status: values.status, is_developer: values.isDeveloper ? 1 : 0, is_bot: 0, password_hash: values.passwordHash,
      must_change_password: values.mustChangePassword ? 1 : 0, deleted_at: null, created_at: values.now, updated_at: values.now,
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async update(id: number, changes: { name?: string | undefined; isDeveloper?: boolean | undefined; now: string }): Promise<void> {
    await this.db.updateTable('users').set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.isDeveloper !== undefined ? { is_developer: changes.isDeveloper ? 1 : 0 } : {}),
      updated_at: changes.now,
    }).where('id', '=', id).where('account_id', '=', this.accountId).execute();
  }

  /** Soft-deletes a live user (its password goes); false when it was deleted already. */
  async markDeleted(id: number, now: string): Promise<boolean> {
    const deleted = await this.db.updateTable('users').set({ deleted_at: now, password_hash: null, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('deleted_at', 'is', null).executeTakeFirst();
    return Number(deleted.numUpdatedRows) > 0;
  }

  /**
   * Sets or clears (`at` null) the user's deactivation; false when nothing changed (already so, or deleted). Live
   * users only: a deleted user stays deleted.
   */
  async setDeactivated(id: number, at: string | null, now: string): Promise<boolean> {
    const changed = await this.db.updateTable('users').set({ deactivated_at: at, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('deleted_at', 'is', null)
      .where('deactivated_at', at === null ? 'is not' : 'is', null).executeTakeFirst();
    return Number(changed.numUpdatedRows) > 0;
  }

  /**
   * The account's live, ACTIVE, not deactivated human admins. On PostgreSQL their rows are locked (FOR UPDATE) so that two admins
   * deleting each other concurrently cannot both succeed; SQLite serializes writers anyway.
   */
  async lockActiveAdmins(): Promise<number[]> {
    let q = this.db.selectFrom('users').select(['id']).where('account_id', '=', this.accountId).where('role', '=', 'ADMIN')
      .where('status', '=', 'ACTIVE').where('is_bot', '=', 0).where('deleted_at', 'is', null).where('deactivated_at', 'is', null);
    if (isPostgres(this.db)) q = q.forUpdate();
    return (await q.execute()).map((a) => a.id);
  }

  /** A new password, and no forced change. */
  async setPassword(id: number, passwordHash: string, now: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).execute();
  }

  /**
   * Makes a live user ACTIVE, with its first password (and no forced change) when `passwordHash` is given;
   * undefined when the user was deleted meanwhile.
   */
  activate(id: number, now: string, options: { passwordHash?: string } = {}): Promise<UserRow | undefined> {
    const password = options.passwordHash !== undefined ? { password_hash: options.passwordHash, must_change_password: 0 } : {};
    return this.db.updateTable('users').set({ status: 'ACTIVE', ...password, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
  }

  /** No password (the old one stops working) and no forced change; INVITED again when `invited`. */
  async clearPassword(id: number, now: string, options: { invited: boolean }): Promise<void> {
    await this.db.updateTable('users').set({
      ...(options.invited ? { status: 'INVITED' as const } : {}), password_hash: null, must_change_password: 0, updated_at: now,
    }).where('id', '=', id).where('account_id', '=', this.accountId).execute();
  }
}
