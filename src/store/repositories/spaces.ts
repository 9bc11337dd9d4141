import { type Kysely, sql } from 'kysely';
import type { Database, SpaceRow } from '../schema.js';
import { sourceProtocol } from '../grant-provenance.js';
import { containsInsensitive } from '../text-filter.js';
import { idList, inIdList, PreparedQuery } from '../prepared-query.js';
import { unindexed } from '../unindexed-column.js';

/** The hot read of `GET /v2/spaces/{id}`, compiled once (see PreparedQuery). */
const spaceById = new PreparedQuery((db, accountId: number, id: number) =>
  db.selectFrom('spaces').selectAll().where('id', '=', id).where('account_id', '=', accountId));

/**
 * list()'s pages without a name filter, compiled once (see PreparedQuery; building the query cost more than SQLite
 * running it): the account's, an organization's (REST's `GET /v2/spaces?org_id=…`), and a principal's visible ids
 * (bound as one value). Row ids start at 1, so the first page is the page after 0.
 */
const accountPage = new PreparedQuery((db, accountId: number, after: number, limit: number) =>
  db.selectFrom('spaces').selectAll().where('account_id', '=', accountId).where('id', '>', after).orderBy('id').limit(limit));
const organizationPage = new PreparedQuery((db, accountId: number, organizationId: number, after: number, limit: number) =>
  db.selectFrom('spaces').selectAll().where('account_id', '=', accountId).where('organization_id', '=', organizationId)
    .where('id', '>', after).orderBy('id').limit(limit));
const idsPage = new PreparedQuery((db, accountId: number, ids: unknown, after: number, limit: number) =>
  db.selectFrom('spaces').selectAll().where('account_id', '=', accountId).where(inIdList(db, 'id', ids))
    .where('id', '>', after).orderBy('id').limit(limit));

/** One account's spaces and their memberships: every query is filtered by the account it was made for. */
export class SpaceRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** `limit` rows by id after `after` (keyset), restricted to `ids` when given, filtered by organization and name. */
  list(options: {
    organizationId?: number | undefined; name?: string | undefined; ids?: readonly number[] | undefined; after?: number | undefined; limit: number;
  }): Promise<SpaceRow[]> {
    if (options.ids?.length === 0) return Promise.resolve([]);
    // Without a name filter, compiled queries; a principal's ids within an organization are built below.
    if (!options.name && (options.ids === undefined || options.organizationId === undefined)) {
      const after = options.after ?? 0;
      if (options.ids !== undefined) return idsPage.all(this.db, this.accountId, idList(this.db, options.ids), after, options.limit);
      return options.organizationId === undefined ? accountPage.all(this.db, this.accountId, after, options.limit)
        : organizationPage.all(this.db, this.accountId, options.organizationId, after, options.limit);
    }
    // With an organization SQLite walks its (organization_id, id) index unaided (test/store/query-plans.test.ts); a `+`
    // on the account, as the window below needs, would cost PostgreSQL its estimate: a sort of the organization's
    // spaces instead of a walk in id order that stops at the page (0.22 against 0.05 ms for 1,000 spaces).
    let q = this.db.selectFrom('spaces').selectAll().where('account_id', '=', this.accountId);
    if (options.ids !== undefined) q = q.where('id', 'in', options.ids);
    if (options.organizationId !== undefined) q = q.where('organization_id', '=', options.organizationId);
    if (options.name) q = q.where(containsInsensitive('name', options.name));
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  find(id: number): Promise<SpaceRow | undefined> {
    return spaceById.first(this.db, this.accountId, id);
  }

  create(values: { organizationId: number; name: string; description: string; isPrivate: boolean; now: string }): Promise<SpaceRow> {
    return this.db.insertInto('spaces').values({
      account_id: this.accountId, organization_id: values.organizationId, name: values.name, description: values.description,
      is_private: values.isPrivate ? 1 : 0, created_at: values.now, updated_at: values.now,
    }).returningAll().executeTakeFirstOrThrow();
  }

  /** The changed row, or undefined when the account has no such space. */
  update(id: number, changes: { name?: string | undefined; description?: string | undefined; isPrivate?: boolean | undefined; now: string }) {
    return this.db.updateTable('spaces').set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.isPrivate !== undefined ? { is_private: changes.isPrivate ? 1 : 0 } : {}),
      updated_at: changes.now,
    }).where('id', '=', id).where('account_id', '=', this.accountId).returningAll().executeTakeFirst();
  }

  /** False when the account has no such space. Its projects, memberships and bindings go by cascade. */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.deleteFrom('spaces').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /**
   * The first `limit` rows by id of each of these organizations, restricted to `ids` when given and filtered by a
   * substring of the name: one query for them all (a window function, as the projects' firstOfEachSpace). It reads
   * the organizations' rows only, through the (organization_id, id) index: the unary `+` keeps SQLite's planner off
   * the account's, which would walk every space of the account.
   */
  async firstOfEachOrganization(options: {
    organizationIds: readonly number[]; ids?: readonly number[] | undefined; name?: string | undefined; limit: number;
  }): Promise<SpaceRow[]> {
    if (options.organizationIds.length === 0 || options.ids?.length === 0) return [];
    let ranked = this.db.selectFrom('spaces').selectAll('spaces')
      .select(sql<number>`row_number() over (partition by ${sql.ref('spaces.organization_id')} order by ${sql.ref('spaces.id')})`.as('rank'))
      .where(unindexed('spaces.account_id'), '=', this.accountId).where('spaces.organization_id', 'in', options.organizationIds);
    if (options.ids !== undefined) ranked = ranked.where('spaces.id', 'in', options.ids);
    if (options.name) ranked = ranked.where(containsInsensitive('spaces.name', options.name));
    const rows = await this.db.selectFrom(ranked.as('s')).selectAll('s').where('s.rank', '<=', options.limit).orderBy('s.id').execute();
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  /** The space of a membership of the account (undefined: no such membership). */
  async spaceOfMembership(membershipId: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('space_memberships').select('space_id').where('id', '=', membershipId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
    return row?.space_id;
  }

  /** Live members (bots included) by membership id after `after` (keyset). */
  listMembers(spaceId: number, options: { after?: number | undefined; limit: number }) {
    let q = this.db.selectFrom('space_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
      .select(['m.id', 'm.space_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key', 'm.source', 'm.source_idp_id', 'm.expires_at', 'm.reason'])
      .select(sourceProtocol('m.source_idp_id'))
      .where('m.space_id', '=', spaceId).where('m.account_id', '=', this.accountId).where('u.deleted_at', 'is', null);
    if (options.after !== undefined) q = q.where('m.id', '>', options.after);
    return q.orderBy('m.id').limit(options.limit).execute();
  }

  /** The first `limit` members of each of these spaces, in membership id order (one statement for all of them). */
  firstMembersOfEachSpace(spaceIds: readonly number[], limit: number) {
    const ranked = this.db.selectFrom('space_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
      .select(['m.id', 'm.space_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key', 'm.source', 'm.source_idp_id', 'm.expires_at', 'm.reason'])
      .select(sourceProtocol('m.source_idp_id'))
      .select(sql<number>`row_number() over (partition by ${sql.ref('m.space_id')} order by ${sql.ref('m.id')})`.as('rank'))
      .where('m.space_id', 'in', spaceIds).where('m.account_id', '=', this.accountId).where('u.deleted_at', 'is', null);
    return this.db.selectFrom(ranked.as('ranked')).selectAll('ranked').where('ranked.rank', '<=', limit).orderBy('ranked.id').execute();
  }

  /** Adds the member, or gives an existing member the role. */
  upsertMember(values: { spaceId: number; userId: number; roleId: number; now: string; expiresAt?: string | null; reason?: string | null }) {
    return this.db.insertInto('space_memberships').values({
      account_id: this.accountId, space_id: values.spaceId, user_id: values.userId, role_id: values.roleId,
      created_at: values.now, updated_at: values.now, expires_at: values.expiresAt ?? null, reason: values.reason ?? null,
    }).onConflict((oc) => oc.columns(['space_id', 'user_id'])
      // An admin's write takes a grant an identity provider's sync wrote over: it is MANUAL from now on.
      .doUpdateSet({ role_id: values.roleId, source: 'MANUAL', source_idp_id: null, updated_at: values.now, expires_at: values.expiresAt ?? null, reason: values.reason ?? null }))
      .returningAll().executeTakeFirstOrThrow();
  }

  /** False when the user was no member of it. */
  async removeMember(spaceId: number, userId: number): Promise<boolean> {
    const removed = await this.db.deleteFrom('space_memberships').where('space_id', '=', spaceId)
      .where('user_id', '=', userId).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(removed.numDeletedRows) > 0;
  }
}
