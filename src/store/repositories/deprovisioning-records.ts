import type { Kysely } from 'kysely';
import type { Database, IdentityProtocol } from '../schema.js';
import { idList, inIdList, PreparedQuery } from '../prepared-query.js';

/** The live identity provider whose SCIM directory manages a user (it provisioned the user or took it over). */
export interface ScimManager { user_id: number; idp_id: number; idp_name: string; idp_protocol: IdentityProtocol }

/** Read for each page of the users list (100 ids): compiled once (see PreparedQuery), the ids bound as one value. */
const scimManagers = new PreparedQuery((db, accountId: number, userIds: unknown) =>
  db.selectFrom('user_identities as i').innerJoin('identity_providers as p', 'p.id', 'i.idp_id')
    .select(['i.user_id', 'p.id as idp_id', 'p.name as idp_name', 'p.protocol as idp_protocol'])
    .where('p.account_id', '=', accountId).where('p.deleted_at', 'is', null).where('i.provisioned_by_scim', '=', 1)
    .where(inIdList(db, 'i.user_id', userIds)).orderBy('p.id'), { keptOnPostgres: true });

/**
 * What deprovisioning reads and removes about who a user is at the account's identity providers: the identity links
 * (with what a SCIM directory said about the user) and the user's SCIM group memberships. Every query is filtered by
 * the account it was made for, through the providers and groups.
 */
export class DeprovisioningRecords {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** Removes every identity link of the user (a deleted user's next SSO login provisions a new user); how many. */
  async removeIdentityLinks(userId: number): Promise<number> {
    const removed = await this.db.deleteFrom('user_identities').where('user_id', '=', userId)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).executeTakeFirst();
    return Number(removed.numDeletedRows);
  }

  /** Takes the user out of every SCIM group of the account; how many memberships went. */
  async leaveScimGroups(userId: number): Promise<number> {
    const removed = await this.db.deleteFrom('scim_group_members').where('user_id', '=', userId)
      .where('group_id', 'in', this.db.selectFrom('scim_groups').select('id').where('account_id', '=', this.accountId)).executeTakeFirst();
    return Number(removed.numDeletedRows);
  }

  /** The account's live, ACTIVE, not deactivated human admins, with their addresses: who hears about orphaned keys. */
  activeAdmins(): Promise<{ name: string; email: string }[]> {
    return this.db.selectFrom('users').select(['name', 'email']).where('account_id', '=', this.accountId).where('role', '=', 'ADMIN')
      .where('status', '=', 'ACTIVE').where('is_bot', '=', 0).where('deleted_at', 'is', null).where('deactivated_at', 'is', null)
      .orderBy('id').execute();
  }

  /** For each of these users that a live provider's SCIM directory manages, that provider (the first by id). */
  async scimManagersOf(userIds: readonly number[]): Promise<Map<number, ScimManager>> {
    if (userIds.length === 0) return new Map();
    const rows = await scimManagers.all(this.db, this.accountId, idList(this.db, [...new Set(userIds)]));
    const managers = new Map<number, ScimManager>();
    for (const row of rows) if (!managers.has(row.user_id)) managers.set(row.user_id, row);
    return managers;
  }
}
