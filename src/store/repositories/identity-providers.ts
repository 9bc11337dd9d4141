import type { Insertable, Kysely, Updateable } from 'kysely';
import type {
  Database, IdentityProtocol, IdentityProviderRow, IdentityProvidersTable, UserIdentityRow,
} from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** A domain of a provider as stored: lower-case, and whether it counts as validated (§1.1 of the identity contract). */
export interface ProviderDomain { domain: string; validated: boolean }

/** What a new provider row holds (the account, timestamps and id are the repository's). */
export type NewIdentityProvider = Omit<Insertable<IdentityProvidersTable>, 'id' | 'account_id' | 'created_at' | 'updated_at' | 'deleted_at'>;
export type IdentityProviderChanges = Omit<Updateable<IdentityProvidersTable>, 'id' | 'account_id' | 'protocol' | 'created_at' | 'updated_at' | 'deleted_at'>;

const GRANT_TABLES = ['organization_memberships', 'space_memberships', 'role_bindings'] as const;

/**
 * One account's identity providers (SAML and OIDC), their email domains and their users' links: every query is
 * filtered by the account it was made for. Deleted providers (soft delete) are invisible here.
 */
export class IdentityProviderRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  #live() {
    return this.db.selectFrom('identity_providers').selectAll()
      .where('account_id', '=', this.accountId).where('deleted_at', 'is', null);
  }

  /** Live providers of one protocol by id after `after` (keyset). */
  list(protocol: IdentityProtocol, options: { after?: number | undefined; limit: number }): Promise<IdentityProviderRow[]> {
    let q = this.#live().where('protocol', '=', protocol);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    return q.orderBy('id').limit(options.limit).execute();
  }

  /** Whether the account has any live provider (its id only: a row can hold a provider's whole metadata document). */
  async anyLive(): Promise<boolean> {
    return (await this.#live().clearSelect().select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** A live provider of the account, of that protocol when given. */
  find(id: number, protocol?: IdentityProtocol): Promise<IdentityProviderRow | undefined> {
    let q = this.#live().where('id', '=', id);
    if (protocol !== undefined) q = q.where('protocol', '=', protocol);
    return q.executeTakeFirst();
  }

  /** A new provider; a live provider of the account with the same name is a unique violation. */
  create(values: NewIdentityProvider, now: string): Promise<IdentityProviderRow> {
    return this.db.insertInto('identity_providers')
      .values({ ...values, account_id: this.accountId, created_at: now, updated_at: now, deleted_at: null })
      .returningAll().executeTakeFirstOrThrow();
  }

  /** The changed row, or undefined when the account has no such live provider. */
  update(id: number, changes: IdentityProviderChanges, now: string): Promise<IdentityProviderRow | undefined> {
    return this.db.updateTable('identity_providers').set({ ...changes, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('deleted_at', 'is', null)
      .returningAll().executeTakeFirst();
  }

  /** Marks the provider deleted (the row stays for the audit log); false when there is no such live provider. */
  async markDeleted(id: number, now: string): Promise<boolean> {
    const result = await this.db.updateTable('identity_providers').set({ deleted_at: now, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('deleted_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The domains of these providers (of this account), by provider, in domain order. */
  async domainsOf(idpIds: readonly number[]): Promise<Map<number, ProviderDomain[]>> {
    const byIdp = new Map<number, ProviderDomain[]>(idpIds.map((id) => [id, []]));
    if (idpIds.length === 0) return byIdp;
    const rows = await this.db.selectFrom('identity_provider_domains')
      .innerJoin('identity_providers', 'identity_providers.id', 'identity_provider_domains.idp_id')
      .select(['identity_provider_domains.idp_id', 'identity_provider_domains.domain', 'identity_provider_domains.validated'])
      .where('identity_providers.account_id', '=', this.accountId)
      .where('identity_provider_domains.idp_id', 'in', idpIds)
      .orderBy('identity_provider_domains.domain').execute();
    for (const row of rows) byIdp.get(row.idp_id)?.push({ domain: row.domain, validated: row.validated === 1 });
    return byIdp;
  }

  /**
   * Makes the provider's domains exactly these. A domain any other provider (of any account) holds is a
   * unique violation on the domain key: the caller turns it into SSO_DOMAIN_TAKEN.
   */
  async replaceDomains(idpId: number, domains: readonly ProviderDomain[]): Promise<void> {
    await this.releaseDomains(idpId);
    if (domains.length === 0) return;
    await this.db.insertInto('identity_provider_domains')
      .values(domains.map((d) => ({ domain: d.domain, idp_id: idpId, validated: d.validated ? 1 : 0 }))).execute();
  }

  /** Frees every domain of the provider (a deleted provider routes nothing). */
  async releaseDomains(idpId: number): Promise<void> {
    await this.db.deleteFrom('identity_provider_domains').where('idp_id', '=', idpId)
      .where('idp_id', 'in', this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId))
      .execute();
  }

  /** A user's link to the provider, if the user signed in through it (or was provisioned by it). */
  findLink(idpId: number, userId: number): Promise<UserIdentityRow | undefined> {
    return this.db.selectFrom('user_identities').selectAll('user_identities')
      .innerJoin('identity_providers', 'identity_providers.id', 'user_identities.idp_id')
      .where('identity_providers.account_id', '=', this.accountId)
      .where('user_identities.idp_id', '=', idpId).where('user_identities.user_id', '=', userId)
      .orderBy('user_identities.created_at').executeTakeFirst();
  }

  /** Removes every link of the provider; returns the linked users. */
  async removeLinks(idpId: number): Promise<number[]> {
    const owned = this.db.selectFrom('identity_providers').select('id').where('account_id', '=', this.accountId);
    const rows = await this.db.deleteFrom('user_identities').where('idp_id', '=', idpId).where('idp_id', 'in', owned)
      .returning('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  /** Revokes the provider's live SCIM tokens; returns their public ids (for the change feed). */
  async revokeScimTokens(idpId: number, now: string): Promise<string[]> {
    const rows = await this.db.updateTable('scim_tokens').set({ revoked_at: now }).where('idp_id', '=', idpId)
      .where('account_id', '=', this.accountId).where('revoked_at', 'is', null).returning('public_id').execute();
    return rows.map((r) => r.public_id);
  }

  /** Removes the provider's SCIM groups (their memberships go with them); returns how many there were. */
  async removeScimGroups(idpId: number): Promise<number> {
    const rows = await this.db.deleteFrom('scim_groups').where('idp_id', '=', idpId).where('account_id', '=', this.accountId)
      .returning('id').execute();
    return rows.length;
  }

  /**
   * Hands every grant the provider's syncs wrote (SSO or SCIM) to the admins: the rows become MANUAL, and an account
   * role a sync promoted stays what it is with no sync owning it. Returns the users whose grants changed hands.
   * Each table is searched by provider (migration 024), the account's index left alone (unindexed-column.ts).
   */
  async releaseGrants(idpId: number): Promise<number[]> {
    const users = new Set<number>();
    for (const table of GRANT_TABLES) {
      const rows = await this.db.updateTable(table).set({ source: 'MANUAL', source_idp_id: null })
        .where(unindexed('account_id'), '=', this.accountId).where('source_idp_id', '=', idpId)
        .returning('user_id').execute();
      for (const row of rows) users.add(row.user_id);
    }
    const promoted = await this.db.updateTable('users').set({ role_source: null, role_before_sync: null })
      .where(unindexed('account_id'), '=', this.accountId).where('role_source', 'in', [`SSO:${idpId}`, `SCIM:${idpId}`])
      .returning('id').execute();
    for (const row of promoted) users.add(row.id);
    return [...users].sort((a, b) => a - b);
  }
}
