import type { Kysely } from 'kysely';
import type { Database, IdentityProviderRow, UserIdentityRow, UserRow } from '../schema.js';

/**
 * What an SSO login reads and writes about who the user is: the identity provider it came through (live and of this
 * account), the provider's email domains, the link `(idp, subject) → user` and the account's users by email. Every
 * query is filtered by the account it was made for (links through their provider).
 */
export class IdentityLinkRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** The account's provider, unless it was deleted. */
  liveProvider(idpId: number): Promise<IdentityProviderRow | undefined> {
    return this.db.selectFrom('identity_providers').selectAll().where('id', '=', idpId).where('account_id', '=', this.accountId)
      .where('deleted_at', 'is', null).executeTakeFirst();
  }

  /** The provider's email domain, with whether it is validated; undefined when the domain is not one of its. */
  domainOf(idpId: number, domain: string): Promise<{ validated: number } | undefined> {
    return this.db.selectFrom('identity_provider_domains').select('validated').where('idp_id', '=', idpId).where('domain', '=', domain)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).executeTakeFirst();
  }

  find(idpId: number, subject: string): Promise<UserIdentityRow | undefined> {
    return this.db.selectFrom('user_identities').selectAll().where('idp_id', '=', idpId).where('subject', '=', subject)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).executeTakeFirst();
  }

  async create(values: { idpId: number; subject: string; userId: number; now: string }): Promise<void> {
    await this.db.insertInto('user_identities').values({
      idp_id: values.idpId, subject: values.subject, user_id: values.userId, provisioned_by_scim: 0,
      last_login_at: null, last_attributes: null, created_at: values.now,
    }).execute();
  }

  /** The link the provider's SCIM made for the user (it provisioned the user or took it over), if any. */
  scimLinkOf(idpId: number, userId: number): Promise<UserIdentityRow | undefined> {
    return this.db.selectFrom('user_identities').selectAll().where('idp_id', '=', idpId).where('user_id', '=', userId).where('provisioned_by_scim', '=', 1)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).executeTakeFirst();
  }

  /** A link's new subject: the `sub` of the first OIDC sign-in replaces the placeholder SCIM gave the user. */
  async resubject(idpId: number, from: string, to: string): Promise<void> {
    await this.db.updateTable('user_identities').set({ subject: to }).where('idp_id', '=', idpId).where('subject', '=', from)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).execute();
  }

  /** Removes a link (one whose user was deleted: the next login provisions a new user). */
  async remove(idpId: number, subject: string): Promise<void> {
    await this.db.deleteFrom('user_identities').where('idp_id', '=', idpId).where('subject', '=', subject)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId)).execute();
  }

  /** When the user last signed in through the link, and what the provider asserted then (JSON). */
  async recordLogin(idpId: number, subject: string, values: { attributes: string; now: string }): Promise<void> {
    await this.db.updateTable('user_identities').set({ last_login_at: values.now, last_attributes: values.attributes })
      .where('idp_id', '=', idpId).where('subject', '=', subject).execute();
  }

  /** The live human user of the account with this email (lower-case). */
  liveHumanByEmail(emailLower: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('account_id', '=', this.accountId).where('email_lower', '=', emailLower)
      .where('deleted_at', 'is', null).where('is_bot', '=', 0).executeTakeFirst();
  }

  /**
   * Password sign-in is off for the user (allow-only-SSO): the email's domain belongs to a live, enabled provider of
   * the account that allows only SSO logins, or the user is linked to such a provider.
   */
  async onlySsoFor(userId: number, emailDomain: string): Promise<boolean> {
    const row = await this.db.selectFrom('identity_providers as p').select('p.id')
      .where('p.account_id', '=', this.accountId).where('p.deleted_at', 'is', null).where('p.enabled', '=', 1)
      .where('p.allow_only_sso_logins', '=', 1)
      .where((eb) => eb.or([
        eb.exists(eb.selectFrom('identity_provider_domains as d').select('d.domain').whereRef('d.idp_id', '=', 'p.id').where('d.domain', '=', emailDomain)),
        eb.exists(eb.selectFrom('user_identities as i').select('i.subject').whereRef('i.idp_id', '=', 'p.id').where('i.user_id', '=', userId)),
      ]))
      .limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** The email's domain belongs to a live provider of the account (a user pre-provisioned for SSO is ACTIVE at once). */
  async domainHasProvider(emailDomain: string): Promise<boolean> {
    const row = await this.db.selectFrom('identity_provider_domains as d').innerJoin('identity_providers as p', 'p.id', 'd.idp_id')
      .select('p.id').where('d.domain', '=', emailDomain).where('p.account_id', '=', this.accountId).where('p.deleted_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }
}
