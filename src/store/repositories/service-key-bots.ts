import type { Kysely } from 'kysely';
import type { AccountRoleKey, Database, RoleRow } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** A role row with the organization or space membership that grants it. */
type OrganizationRole = RoleRow & { organization_id: number };
type SpaceRole = RoleRow & { space_id: number; space_organization_id: number };

/** One account's service-key bot users and their memberships: every query is filtered by the account. */
export class ServiceKeyBotRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** A bot user with its organization and space memberships; returns its id. */
  async create(values: {
    name: string; email: string; role: AccountRoleKey; now: string;
    organizations: readonly { id: number; roleId: number }[]; spaces: readonly { id: number; roleId: number }[];
  }): Promise<number> {
    const { accountId } = this;
    const { now } = values;
    const { id } = await this.db.insertInto('users').values({
      account_id: accountId, name: values.name, email: values.email, email_lower: values.email, role: values.role, status: 'ACTIVE',
      is_developer: 0, is_bot: 1, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    if (values.organizations.length > 0) {
      await this.db.insertInto('organization_memberships').values(values.organizations.map((org) => ({
        account_id: accountId, organization_id: org.id, user_id: id, role_id: org.roleId, created_at: now, updated_at: now,
      }))).execute();
    }
    if (values.spaces.length > 0) {
      await this.db.insertInto('space_memberships').values(values.spaces.map((space) => ({
        account_id: accountId, space_id: space.id, user_id: id, role_id: space.roleId, created_at: now, updated_at: now,
      }))).execute();
    }
    return id;
  }

  /** One of the user's keys is ACTIVE and unexpired at `now`. */
  async hasLiveKey(userId: number, now: string): Promise<boolean> {
    const live = await this.db.selectFrom('api_keys').select('id').where('user_id', '=', userId).where('account_id', '=', this.accountId)
      .where('status', '=', 'ACTIVE').where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])).limit(1).executeTakeFirst();
    return live !== undefined;
  }

  /** Soft-deletes the bot (its memberships are the membership cascades'). */
  async markDeleted(botId: number, now: string): Promise<void> {
    await this.db.updateTable('users').set({ deleted_at: now, updated_at: now }).where('id', '=', botId).where('account_id', '=', this.accountId)
      .where('is_bot', '=', 1).where('deleted_at', 'is', null).execute();
  }

  /** The bot's account role and its memberships' roles, by organization and by space id. */
  async scope(botId: number): Promise<{ role: AccountRoleKey | undefined; organizations: OrganizationRole[]; spaces: SpaceRole[] }> {
    const [bot, organizations, spaces] = await Promise.all([
      this.db.selectFrom('users').select('role').where('id', '=', botId).where('account_id', '=', this.accountId).executeTakeFirst(),
      this.db.selectFrom('organization_memberships as m').innerJoin('roles as r', 'r.id', 'm.role_id').selectAll('r')
        .select('m.organization_id').where('m.user_id', '=', botId).where('m.account_id', '=', this.accountId).orderBy('m.organization_id').execute(),
      this.db.selectFrom('space_memberships as m').innerJoin('spaces as sp', 'sp.id', 'm.space_id').innerJoin('roles as r', 'r.id', 'm.role_id')
        .selectAll('r').select(['m.space_id', 'sp.organization_id as space_organization_id']).where('m.user_id', '=', botId)
        .where('m.account_id', '=', this.accountId).orderBy('m.space_id').execute(),
    ]);
    return { role: bot?.role, organizations, spaces };
  }

  /** The space memberships of these users, by space id. */
  spaceMemberships(userIds: readonly number[]): Promise<{ user_id: number; space_id: number }[]> {
    return this.db.selectFrom('space_memberships').select(['user_id', 'space_id'])
      .where('user_id', 'in', userIds).where('account_id', '=', this.accountId).orderBy('space_id').execute();
  }

  /** The non-private spaces of an organization, which an organization role reaches too. */
  async publicSpaceIds(organizationId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('spaces').select('id').where('organization_id', '=', organizationId).where(unindexed('account_id'), '=', this.accountId)
      .where('is_private', '=', 0).orderBy('id').execute();
    return rows.map((r) => r.id);
  }
}
