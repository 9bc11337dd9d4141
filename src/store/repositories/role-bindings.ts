import type { Kysely } from 'kysely';
import { sourceProtocol } from '../grant-provenance.js';
import type { Database, IdentityProtocol, RoleBindingRow } from '../schema.js';
import { PreparedQuery } from '../prepared-query.js';

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
}).returningAll());

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
    let q = this.db.selectFrom('role_bindings').selectAll().select(sourceProtocol('role_bindings.source_idp_id'))
      .where('account_id', '=', this.accountId).where('resource_type', '=', options.resourceType);
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
