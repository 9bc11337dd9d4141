import type { Kysely } from 'kysely';
import type { Database, RoleMappingRow } from '../schema.js';

/** A rule's content as stored (JSON columns hold row ids). */
export interface RoleMappingValues {
  attributes_map: string;
  is_account_admin: number;
  org_role: string | null;
  space_roles: string;
  project_roles: string;
}

/**
 * One account's role-mapping rules, per identity provider in configuration order (`position`, 1-based and dense:
 * the service renumbers them in the transaction that inserts, moves or deletes one).
 */
export class RoleMappingRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  #of(idpId: number) {
    return this.db.selectFrom('role_mappings').selectAll().where('account_id', '=', this.accountId).where('idp_id', '=', idpId);
  }

  /** Every rule of the provider, in configuration order. */
  all(idpId: number): Promise<RoleMappingRow[]> {
    return this.#of(idpId).orderBy('position').orderBy('id').execute();
  }

  /** `limit` rules in configuration order after the position `after` (keyset). */
  list(idpId: number, options: { after?: number | undefined; limit: number }): Promise<RoleMappingRow[]> {
    let q = this.#of(idpId);
    if (options.after !== undefined) q = q.where('position', '>', options.after);
    return q.orderBy('position').orderBy('id').limit(options.limit).execute();
  }

  /** The rules of several providers, by provider, each in configuration order. */
  async allOf(idpIds: readonly number[]): Promise<Map<number, RoleMappingRow[]>> {
    const byIdp = new Map<number, RoleMappingRow[]>(idpIds.map((id) => [id, []]));
    if (idpIds.length === 0) return byIdp;
    const rows = await this.db.selectFrom('role_mappings').selectAll().where('account_id', '=', this.accountId)
      .where('idp_id', 'in', idpIds).orderBy('position').orderBy('id').execute();
    for (const row of rows) byIdp.get(row.idp_id)?.push(row);
    return byIdp;
  }

  /** The provider a rule of the account belongs to (undefined: no such rule). */
  async providerOf(id: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('role_mappings').select('idp_id').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return row?.idp_id;
  }

  find(idpId: number, id: number): Promise<RoleMappingRow | undefined> {
    return this.#of(idpId).where('id', '=', id).executeTakeFirst();
  }

  insert(idpId: number, position: number, values: RoleMappingValues, now: string): Promise<RoleMappingRow> {
    return this.db.insertInto('role_mappings')
      .values({ ...values, account_id: this.accountId, idp_id: idpId, position, created_at: now, updated_at: now })
      .returningAll().executeTakeFirstOrThrow();
  }

  async update(idpId: number, id: number, values: Partial<RoleMappingValues>, now: string): Promise<void> {
    await this.db.updateTable('role_mappings').set({ ...values, updated_at: now })
      .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('id', '=', id).execute();
  }

  async delete(idpId: number, id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('role_mappings')
      .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Gives the rules positions 1..n in the order of `orderedIds` (only rows whose position changes are written). */
  async renumber(idpId: number, orderedIds: readonly number[], current: ReadonlyMap<number, number>): Promise<void> {
    for (const [index, id] of orderedIds.entries()) {
      if (current.get(id) === index + 1) continue;
      await this.db.updateTable('role_mappings').set({ position: index + 1 })
        .where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('id', '=', id).execute();
    }
  }
}
