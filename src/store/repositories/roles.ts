import type { Kysely } from 'kysely';
import type { PredefinedRoleKey } from '../../domain/predefined-roles.js';
import type { Database, RoleRow } from '../schema.js';
import { PreparedQuery } from '../prepared-query.js';
import { unindexed } from '../unindexed-column.js';

/** The memberships and bindings that grant a role. */
export interface RoleUses {
  bindings: { id: number; user_id: number }[];
  organizationMemberships: { id: number; user_id: number; organization_id: number }[];
  spaceMemberships: { id: number; user_id: number; space_id: number }[];
}

/** Read by every grant (a binding, a membership): compiled once (see PreparedQuery). */
const roleById = new PreparedQuery((db, accountId: number, id: number) =>
  db.selectFrom('roles').selectAll().where('id', '=', id).where('account_id', '=', accountId));

/** One account's roles: every query is filtered by the account it was made for. */
export class RoleRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** `limit` rows by id after `after` (keyset); only predefined or only custom ones when asked. */
  list(options: { predefined?: boolean | undefined; after?: number | undefined; limit: number }): Promise<RoleRow[]> {
    let q = this.db.selectFrom('roles').selectAll().where('account_id', '=', this.accountId);
    if (options.predefined !== undefined) q = q.where('predefined_key', options.predefined ? 'is not' : 'is', null);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  find(id: number): Promise<RoleRow | undefined> {
    return roleById.first(this.db, this.accountId, id);
  }

  findPredefined(key: PredefinedRoleKey): Promise<RoleRow | undefined> {
    return this.db.selectFrom('roles').selectAll().where('account_id', '=', this.accountId).where('predefined_key', '=', key).executeTakeFirst();
  }

  /** The account's row of a predefined role (every account has one per predefined role). */
  async predefinedId(key: PredefinedRoleKey): Promise<number> {
    const row = await this.db.selectFrom('roles').select('id').where('account_id', '=', this.accountId)
      .where('predefined_key', '=', key).executeTakeFirstOrThrow();
    return row.id;
  }

  /** A custom role; `permissions` is the JSON array of its permission names. */
  createCustom(values: { name: string; description: string | null; permissions: string; now: string }): Promise<RoleRow> {
    return this.db.insertInto('roles').values({
      account_id: this.accountId, predefined_key: null, name: values.name, description: values.description,
      permissions: values.permissions, created_at: values.now, updated_at: values.now,
    }).returningAll().executeTakeFirstOrThrow();
  }

  /** The changed row, or undefined when the account has no such role. */
  update(id: number, changes: { name?: string | undefined; description?: string | null | undefined; permissions?: string | undefined; now: string }) {
    return this.db.updateTable('roles').set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.permissions !== undefined ? { permissions: changes.permissions } : {}),
      updated_at: changes.now,
    }).where('id', '=', id).where('account_id', '=', this.accountId).returningAll().executeTakeFirst();
  }

  /** False when the account has no such role. */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.deleteFrom('roles').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  async usesOf(roleId: number): Promise<RoleUses> {
    const [bindings, organizationMemberships, spaceMemberships] = await Promise.all([
      this.db.selectFrom('role_bindings').select(['id', 'user_id']).where('role_id', '=', roleId).where(unindexed('account_id'), '=', this.accountId).execute(),
      this.db.selectFrom('organization_memberships').select(['id', 'user_id', 'organization_id']).where('role_id', '=', roleId)
        .where('account_id', '=', this.accountId).execute(),
      this.db.selectFrom('space_memberships').select(['id', 'user_id', 'space_id']).where('role_id', '=', roleId)
        .where('account_id', '=', this.accountId).execute(),
    ]);
    return { bindings, organizationMemberships, spaceMemberships };
  }

  /** Removes every binding and membership that grants the role (their cascades are the caller's). */
  async removeUses(roleId: number): Promise<void> {
    await this.db.deleteFrom('role_bindings').where('role_id', '=', roleId).where(unindexed('account_id'), '=', this.accountId).execute();
    await this.db.deleteFrom('space_memberships').where('role_id', '=', roleId).where('account_id', '=', this.accountId).execute();
    await this.db.deleteFrom('organization_memberships').where('role_id', '=', roleId).where('account_id', '=', this.accountId).execute();
  }
}
