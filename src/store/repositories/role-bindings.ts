import type { Kysely } from 'kysely';
import { sourceProtocol } from '../grant-provenance.js';
import type { Database, IdentityProtocol, RoleBindingRow, RoleRow } from '../schema.js';
import { isPostgres } from '../dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import { unindexedWhen } from '../unindexed-column.js';

type BindingResourceType = RoleBindingRow['resource_type'];

/** A binding as it is read: with the protocol of the identity provider that wrote it (null when MANUAL). */
export type ProvenancedBindingRow = RoleBindingRow & { source_idp_protocol: IdentityProtocol | null };

/** Written by every binding a person or a sync creates: compiled once (see PreparedQuery). */
const newBinding = new PreparedQuery((
  db, accountId: number, userId: number, roleId: number, resourceType: BindingResourceType, spaceId: number | null, projectId: number | null, now: string,
  expiresAt: string | null, reason: string | null,
) => db.insertInto('role_bindings').values({
  account_id: accountId, user_id: userId, role_id: roleId, resource_type: resourceType, space_id: spaceId, project_id: projectId,
  created_at: now, updated_at: now, expires_at: expiresAt, reason,
}).returning([
  'id', 'account_id', 'user_id', 'role_id', 'resource_type', 'space_id', 'project_id', 'source', 'source_idp_id', 'created_at', 'updated_at',
  'expires_at', 'reason',
]), { keptOnPostgres: true });

/** What a new binding names, as one read: the user (live), the role, and whether the granter shares an organization with the user. */
export interface BindingParties {
  /** Undefined when the account has no such live user. */
  userId: number | undefined;
  sharesAnOrganization: boolean;
  /** Undefined when the account has no such role. */
  role: Pick<RoleRow, 'id' | 'name' | 'predefined_key' | 'permissions'> | undefined;
}

/** What a new binding names and the account's access version held, read first in a grant's transaction (see partiesHeld). */
export interface HeldBindingParties {
  accessVersion: number;
  parties: BindingParties;
}

/**
 * The three reads of a new binding's user, its role and the granter's shared organization in one statement, from
 * the account's row so that a missing user or role is a null column, not a missing row. The same statement reads the
 * account's access version, held as AccessVersionRepository.readHeld holds it (`FOR SHARE` on PostgreSQL; SQLite's
 * transaction has the write lock from its BEGIN): one round trip for both. Compiled once per variant (see PreparedQuery).
 */
function bindingParties(db: Kysely<Database>, accountId: number, userId: number, roleId: number, granterId: number) {
  return db.selectFrom('accounts as a')
    .leftJoin('users as u', (join) => join.on('u.id', '=', userId).onRef('u.account_id', '=', 'a.id').on('u.deleted_at', 'is', null))
    .leftJoin('roles as r', (join) => join.on('r.id', '=', roleId).onRef('r.account_id', '=', 'a.id'))
    .select(['a.access_version', 'u.id as user_id', 'r.id as role_id', 'r.name as role_name', 'r.predefined_key', 'r.permissions'])
    .select((eb) => eb.exists(eb.selectFrom('organization_memberships as theirs')
      .innerJoin('organization_memberships as mine', 'mine.organization_id', 'theirs.organization_id')
      .select('theirs.id').whereRef('theirs.user_id', '=', 'u.id').where('mine.user_id', '=', granterId)
      .whereRef('theirs.account_id', '=', 'a.id')).as('shares'))
    .where('a.id', '=', accountId);
}
const parties = new PreparedQuery(bindingParties);
const partiesHeldForShare = new PreparedQuery((db, accountId: number, userId: number, roleId: number, granterId: number) =>
  bindingParties(db, accountId, userId, roleId, granterId).forShare('a'), { keptOnPostgres: true });

type PartiesRow = NonNullable<Awaited<ReturnType<typeof parties.first>>>;

function partiesOf(row: PartiesRow | undefined): BindingParties {
  return {
    userId: row?.user_id ?? undefined,
    sharesAnOrganization: Boolean(row?.shares),
    role: row?.role_id == null ? undefined
      : { id: row.role_id, name: row.role_name!, predefined_key: row.predefined_key ?? null, permissions: row.permissions ?? null },
  };
}

/** One account's role bindings: every query is filtered by the account it was made for. */
export class RoleBindingRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * `limit` bindings of one resource type by id after `after` (keyset), on one resource or on any of `resourceIds`
   * when given, of one user when given.
   */
  list(options: {
    resourceType: BindingResourceType; resourceIds?: readonly number[] | undefined; userId?: number | undefined;
    after?: number | undefined; limit: number;
  }): Promise<ProvenancedBindingRow[]> {
    const column = options.resourceType === 'SPACE' ? 'space_id' : 'project_id';
    // One user's or some resources' bindings are searched by user or by resource (unindexed-column.ts), not among
    // the account's of that type.
    const narrowed = options.userId !== undefined || options.resourceIds !== undefined;
    let q = this.db.selectFrom('role_bindings').selectAll().select(sourceProtocol('role_bindings.source_idp_id'))
      .where(unindexedWhen(narrowed, 'account_id'), '=', this.accountId).where('resource_type', '=', options.resourceType);
    if (options.resourceIds !== undefined) {
      if (options.resourceIds.length === 0) return Promise.resolve([]);
      q = q.where(column, 'in', options.resourceIds);
    }
    if (options.userId !== undefined) q = q.where('user_id', '=', options.userId);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  find(id: number): Promise<ProvenancedBindingRow | undefined> {
    return this.db.selectFrom('role_bindings').selectAll().select(sourceProtocol('role_bindings.source_idp_id')).where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
  }

  async create(values: {
    userId: number; roleId: number; resource: { type: BindingResourceType; id: number }; now: string; expiresAt?: string | null | undefined; reason?: string | null | undefined;
  }): Promise<RoleBindingRow> {
    const { resource } = values;
    const row = await newBinding.first(this.db, this.accountId, values.userId, values.roleId, resource.type,
      resource.type === 'SPACE' ? resource.id : null, resource.type === 'PROJECT' ? resource.id : null, values.now, values.expiresAt ?? null, values.reason ?? null);
    if (!row) throw new Error('inserting a role binding returned no row');
    return row;
  }

  /**
   * Inside a grant's transaction, its first read: the access version held until the transaction ends (as
   * AccessVersionRepository.readHeld) and what the new binding names, in one statement.
   */
  async partiesHeld(userId: number, roleId: number, granterId: number): Promise<HeldBindingParties> {
    const row = await (isPostgres(this.db) ? partiesHeldForShare : parties).first(this.db, this.accountId, userId, roleId, granterId);
    return { accessVersion: row?.access_version ?? 0, parties: partiesOf(row) };
  }

  /** The changed row, or undefined when the account has no such binding; an admin's change makes it MANUAL. */
  changeRole(id: number, roleId: number, now: string): Promise<RoleBindingRow | undefined> {
    return this.db.updateTable('role_bindings').set({ role_id: roleId, source: 'MANUAL', source_idp_id: null, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).returningAll().executeTakeFirst();
  }

  /** False when the account has no such binding. */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.deleteFrom('role_bindings').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }
}
