import type { Kysely } from 'kysely';
import type { Database, IdentityProtocol, RoleMappingRow } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** Organizations, spaces, projects and roles that a delete takes away (row ids). */
export interface DeletedResources {
  orgIds: readonly number[];
  spaceIds: readonly number[];
  projectIds: readonly number[];
  roleIds: readonly number[];
}

/** A live identity provider whose default login names a resource. */
export interface DefaultNamer { id: number; name: string; protocol: IdentityProtocol }

/**
 * Where identity providers of one account name organizations, spaces, projects and roles (their default login and
 * their role mappings), for the deletes that take those away (identity.md §2.9). Every query is filtered by the
 * account it was made for.
 */
export class MappingReferenceRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * The organization, space or project and what goes with it: the spaces of an organization, the projects of both.
   * The spaces are read through the organization's index and the projects through their spaces', the account's kept
   * off (`unindexed`): through the account's, SQLite read every space and every project of the account.
   */
  async under(resource: { type: 'ORGANIZATION' | 'SPACE' | 'PROJECT'; id: number }): Promise<DeletedResources> {
    const none = { orgIds: [], spaceIds: [], projectIds: [], roleIds: [] };
    if (resource.type === 'PROJECT') return { ...none, projectIds: [resource.id] };
    const spaceIds = resource.type === 'SPACE' ? [resource.id]
      : (await this.db.selectFrom('spaces').select('id').where(unindexed('account_id'), '=', this.accountId).where('organization_id', '=', resource.id).execute()).map((s) => s.id);
    const projectIds = spaceIds.length === 0 ? []
      : (await this.db.selectFrom('projects').select('id').where(unindexed('account_id'), '=', this.accountId).where('space_id', 'in', spaceIds).execute()).map((p) => p.id);
    return { ...none, orgIds: resource.type === 'ORGANIZATION' ? [resource.id] : [], spaceIds, projectIds };
  }

  /** Live providers whose default login names one of these organizations, spaces or roles. */
  async defaultsNaming(deleted: DeletedResources): Promise<DefaultNamer[]> {
    const columns = this.#defaultColumns(deleted);
    if (columns.length === 0) return [];
    return this.db.selectFrom('identity_providers').select(['id', 'name', 'protocol'])
      .where('account_id', '=', this.accountId).where('deleted_at', 'is', null)
      .where((eb) => eb.or(columns.map(([column, ids]) => eb(column, 'in', ids))))
      .orderBy('id').execute();
  }

  /** Deleted providers keep their rows for the audit log: their defaults stop naming what goes (no dangling reference). */
  async clearDefaultsOfDeletedProviders(deleted: DeletedResources): Promise<void> {
    for (const [column, ids] of this.#defaultColumns(deleted)) {
      await this.db.updateTable('identity_providers').set({ [column]: null })
        .where('account_id', '=', this.accountId).where('deleted_at', 'is not', null).where(column, 'in', ids).execute();
    }
  }

  /** The rules of the account's live providers. */
  liveRules(): Promise<RoleMappingRow[]> {
    return this.db.selectFrom('role_mappings').selectAll().where('account_id', '=', this.accountId)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId).where('deleted_at', 'is', null))
      .orderBy('idp_id').orderBy('position').execute();
  }

  /** The provider's protocol, name and id (live or not). */
  provider(idpId: number): Promise<DefaultNamer | undefined> {
    return this.db.selectFrom('identity_providers').select(['id', 'name', 'protocol']).where('id', '=', idpId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
  }

  #defaultColumns(deleted: DeletedResources) {
    const columns: ['default_org_id' | 'default_space_id' | 'default_org_role_id' | 'default_space_role_id', readonly number[]][] = [
      ['default_org_id', deleted.orgIds], ['default_space_id', deleted.spaceIds],
      ['default_org_role_id', deleted.roleIds], ['default_space_role_id', deleted.roleIds],
    ];
    return columns.filter(([, ids]) => ids.length > 0);
  }
}
