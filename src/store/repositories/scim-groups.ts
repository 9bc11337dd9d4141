import type { Kysely } from 'kysely';
import { idSlices } from '../id-slices.js';
import type { Database, ScimGroupRow } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** A member as a SCIM Group shows it: the user's id and what to display (its name, else its email). */
export interface ScimGroupMemberRow {
  group_id: number;
  user_id: number;
  name: string;
  email: string;
}


/** Which groups a list asks for: one exact-match condition at most (the filters §5.6 supports). */
export type ScimGroupFilter =
  | { by: 'displayName'; value: string }
  | { by: 'externalId'; value: string }
  | { by: 'id'; value: number }
  | undefined;

/**
 * A directory's groups and their members (identity.md §5.6), always of one identity provider of the account: the
 * rows the SCIM Group resource reads and writes, and the membership the SCIM role sync reads as mapping input.
 * Every query is filtered by the account it was made for.
 */
export class ScimGroupRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  private groups(idpId: number) {
    return this.db.selectFrom('scim_groups').where('account_id', '=', this.accountId).where('idp_id', '=', idpId);
  }

  /** A new group; a display name the provider already uses (any case) is a unique violation. */
  create(values: { idpId: number; displayName: string; externalId: string | null; now: string }): Promise<ScimGroupRow> {
    return this.db.insertInto('scim_groups').values({
      account_id: this.accountId, idp_id: values.idpId, display_name: values.displayName, display_name_key: values.displayName.toLowerCase(),
      external_id: values.externalId, created_at: values.now, updated_at: values.now,
    }).returningAll().executeTakeFirstOrThrow();
  }

  find(idpId: number, groupId: number): Promise<ScimGroupRow | undefined> {
    return this.groups(idpId).selectAll().where('id', '=', groupId).executeTakeFirst();
  }

  /** One page of the provider's groups in creation order, with the total the filter matches. */
  async list(idpId: number, filter: ScimGroupFilter, page: { offset: number; limit: number }): Promise<{ rows: ScimGroupRow[]; total: number }> {
    let query = this.groups(idpId);
    if (filter?.by === 'displayName') query = query.where('display_name_key', '=', filter.value.toLowerCase());
    else if (filter?.by === 'externalId') query = query.where('external_id', '=', filter.value);
    else if (filter?.by === 'id') query = query.where('id', '=', filter.value);
    const { total } = await query.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow();
    const rows = page.limit === 0 ? [] : await query.selectAll().orderBy('id').offset(page.offset).limit(page.limit).execute();
    return { rows, total: Number(total) };
  }

  /** Renames or re-identifies a group (a name taken by another group of the provider is a unique violation). */
  async update(idpId: number, groupId: number, values: { displayName?: string | undefined; externalId?: string | null | undefined; now: string }): Promise<void> {
    await this.db.updateTable('scim_groups').set({
      ...(values.displayName === undefined ? {} : { display_name: values.displayName, display_name_key: values.displayName.toLowerCase() }),
      ...(values.externalId === undefined ? {} : { external_id: values.externalId }),
      updated_at: values.now,
    }).where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('id', '=', groupId).execute();
  }

  /** Deletes the group and its memberships (the members' ids, for their sync). */
  async delete(idpId: number, groupId: number): Promise<number[]> {
    const members = await this.memberIds(groupId);
    await this.db.deleteFrom('scim_group_members').where('group_id', '=', groupId).execute();
    await this.db.deleteFrom('scim_groups').where('account_id', '=', this.accountId).where('idp_id', '=', idpId).where('id', '=', groupId).execute();
    return members;
  }

  /** Ids of the group's members. */
  async memberIds(groupId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', groupId).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  /** The members of these groups, each with the user's name and email, live users only. */
  async membersOf(groupIds: readonly number[]): Promise<ScimGroupMemberRow[]> {
    if (groupIds.length === 0) return [];
    return this.db.selectFrom('scim_group_members as m').innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.group_id', 'm.user_id', 'u.name', 'u.email'])
      .where('m.group_id', 'in', [...groupIds]).where('u.account_id', '=', this.accountId).where('u.deleted_at', 'is', null)
      .orderBy('m.group_id').orderBy('m.user_id').execute();
  }

  /** Adds members, ignoring those already in the group; the ids actually added. */
  async addMembers(groupId: number, userIds: readonly number[], now: string): Promise<number[]> {
    const present = new Set(await this.memberIds(groupId));
    const added = [...new Set(userIds)].filter((id) => !present.has(id));
    for (const slice of idSlices(added)) {
      await this.db.insertInto('scim_group_members').values(slice.map((userId) => ({ group_id: groupId, user_id: userId, created_at: now })))
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
    }
    return added;
  }

  /** Removes these members (all of them when `userIds` is undefined); the ids actually removed. */
  async removeMembers(groupId: number, userIds: readonly number[] | undefined): Promise<number[]> {
    const present = await this.memberIds(groupId);
    const wanted = userIds === undefined ? undefined : new Set(userIds);
    const removed = wanted === undefined ? present : present.filter((id) => wanted.has(id));
    for (const slice of idSlices(removed)) {
      await this.db.deleteFrom('scim_group_members').where('group_id', '=', groupId).where('user_id', 'in', slice).execute();
    }
    return removed;
  }

  /** For each of these users, the display names and external ids of its groups of this provider (mapping input). */
  async groupNamesOf(idpId: number, userIds: readonly number[]): Promise<Map<number, string[]>> {
    const names = new Map<number, string[]>(userIds.map((id) => [id, []]));
    for (const slice of idSlices([...names.keys()])) {
      const rows = await this.db.selectFrom('scim_group_members as m').innerJoin('scim_groups as g', 'g.id', 'm.group_id')
        .select(['m.user_id', 'g.display_name', 'g.external_id'])
        .where('g.account_id', '=', this.accountId).where('g.idp_id', '=', idpId).where('m.user_id', 'in', slice)
        .orderBy('g.id').execute();
      for (const row of rows) {
        const list = names.get(row.user_id)!;
        list.push(row.display_name);
        if (row.external_id !== null && row.external_id !== '') list.push(row.external_id);
      }
    }
    return names;
  }

  /**
   * Everyone whose SCIM grants from this provider a mapping change may move: the users it provisioned or took over,
   * the members of its groups, and the holders of a grant it wrote.
   */
  async usersToResync(idpId: number): Promise<number[]> {
    const managed = this.db.selectFrom('user_identities').select('user_id').where('idp_id', '=', idpId).where('provisioned_by_scim', '=', 1);
    const members = this.db.selectFrom('scim_group_members as m').innerJoin('scim_groups as g', 'g.id', 'm.group_id')
      .select('m.user_id').where('g.account_id', '=', this.accountId).where('g.idp_id', '=', idpId);
    // The holders are searched by provider (migration 024), the account's index left alone (unindexed-column.ts).
    const held = (table: 'organization_memberships' | 'space_memberships' | 'role_bindings') => this.db.selectFrom(table).select('user_id')
      .where(unindexed('account_id'), '=', this.accountId).where('source', '=', 'SCIM').where('source_idp_id', '=', idpId);
    const rows = await managed.union(members).union(held('organization_memberships')).union(held('space_memberships')).union(held('role_bindings')).execute();
    const promoted = await this.db.selectFrom('users').select('id').where(unindexed('account_id'), '=', this.accountId).where('role_source', '=', `SCIM:${idpId}`).execute();
    return [...new Set([...rows.map((r) => r.user_id), ...promoted.map((r) => r.id)])].sort((a, b) => a - b);
  }
}
