import { type Kysely, sql } from 'kysely';
import type { Database, OrganizationRow } from '../schema.js';
import { sourceProtocol } from '../grant-provenance.js';
import { containsInsensitive } from '../text-filter.js';
import { PreparedQuery } from '../prepared-query.js';

/** The hot read of `GET /v2/organizations/{id}`, compiled once (see PreparedQuery). */
const organizationById = new PreparedQuery((db, accountId: number, id: number) =>
  db.selectFrom('organizations').selectAll().where('id', '=', id).where('account_id', '=', accountId));

/** One account's organizations and their memberships: every query is filtered by the account it was made for. */
export class OrganizationRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** `limit` rows by id after `after` (keyset), restricted to `ids` when given, filtered by a name substring. */
  list(options: { ids?: readonly number[] | undefined; name?: string | undefined; after?: number | undefined; limit: number }): Promise<OrganizationRow[]> {
    let q = this.db.selectFrom('organizations').selectAll().where('account_id', '=', this.accountId);
    if (options.ids !== undefined) {
      if (options.ids.length === 0) return Promise.resolve([]);
      q = q.where('id', 'in', options.ids);
    }
    if (options.name) q = q.where(containsInsensitive('name', options.name));
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  find(id: number): Promise<OrganizationRow | undefined> {
    return organizationById.first(this.db, this.accountId, id);
  }

  create(values: { name: string; description: string; now: string }): Promise<OrganizationRow> {
    return this.db.insertInto('organizations').values({
      account_id: this.accountId, name: values.name, description: values.description, created_at: values.now, updated_at: values.now,
    }).returningAll().executeTakeFirstOrThrow();
  }

  /** The changed row, or undefined when the account has no such organization. */
  update(id: number, changes: { name?: string | undefined; description?: string | undefined; now: string }): Promise<OrganizationRow | undefined> {
    return this.db.updateTable('organizations').set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      updated_at: changes.now,
    }).where('id', '=', id).where('account_id', '=', this.accountId).returningAll().executeTakeFirst();
  }

  /** False when the account has no such organization. Its spaces, projects, memberships and bindings go by cascade. */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.deleteFrom('organizations').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** The organization of a membership of the account (undefined: no such membership). */
  async organizationOfMembership(membershipId: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('organization_memberships').select('organization_id').where('id', '=', membershipId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
    return row?.organization_id;
  }

  /** Live members (bots included) by membership id after `after` (keyset). */
  listMembers(organizationId: number, options: { after?: number | undefined; limit: number }) {
    let q = this.db.selectFrom('organization_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
      .select(['m.id', 'm.organization_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key', 'm.source', 'm.source_idp_id', 'm.expires_at', 'm.reason'])
      .select(sourceProtocol('m.source_idp_id'))
      .where('m.organization_id', '=', organizationId).where('m.account_id', '=', this.accountId).where('u.deleted_at', 'is', null);
    if (options.after !== undefined) q = q.where('m.id', '>', options.after);
    return q.orderBy('m.id').limit(options.limit).execute();
  }

  /** The first `limit` live members of each of these organizations, in membership id order (one statement for all of them). */
  async firstMembersOfEachOrganization(organizationIds: readonly number[], limit: number) {
    const ranked = this.db.selectFrom('organization_memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('roles as r', 'r.id', 'm.role_id')
      .select(['m.id', 'm.organization_id', 'm.user_id', 'u.name', 'u.email', 'u.is_bot', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key', 'm.source', 'm.source_idp_id', 'm.expires_at', 'm.reason'])
      .select(sourceProtocol('m.source_idp_id'))
      .select(sql<number>`row_number() over (partition by ${sql.ref('m.organization_id')} order by ${sql.ref('m.id')})`.as('rank'))
      .where('m.organization_id', 'in', organizationIds).where('m.account_id', '=', this.accountId).where('u.deleted_at', 'is', null);
    const rows = await this.db.selectFrom(ranked.as('ranked')).selectAll('ranked').where('ranked.rank', '<=', limit).orderBy('ranked.id').execute();
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  /** Adds the member, or gives an existing member the role. */
  upsertMember(values: { organizationId: number; userId: number; roleId: number; now: string; expiresAt?: string | null; reason?: string | null }) {
    return this.db.insertInto('organization_memberships').values({
      account_id: this.accountId, organization_id: values.organizationId, user_id: values.userId, role_id: values.roleId,
      created_at: values.now, updated_at: values.now, expires_at: values.expiresAt ?? null, reason: values.reason ?? null,
    }).onConflict((oc) => oc.columns(['organization_id', 'user_id'])
      // An admin's write takes a grant an identity provider's sync wrote over: it is MANUAL from now on.
      .doUpdateSet({ role_id: values.roleId, source: 'MANUAL', source_idp_id: null, updated_at: values.now, expires_at: values.expiresAt ?? null, reason: values.reason ?? null }))
      .returningAll().executeTakeFirstOrThrow();
  }

  isMember(organizationId: number, userId: number): Promise<boolean> {
    return this.db.selectFrom('organization_memberships').select('id').where('organization_id', '=', organizationId)
      .where('user_id', '=', userId).where('account_id', '=', this.accountId).executeTakeFirst().then((row) => row !== undefined);
  }

  /** False when the user was no member of it. */
  async removeMember(organizationId: number, userId: number): Promise<boolean> {
    const removed = await this.db.deleteFrom('organization_memberships').where('organization_id', '=', organizationId)
      .where('user_id', '=', userId).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(removed.numDeletedRows) > 0;
  }
}
