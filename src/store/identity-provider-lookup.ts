import type { Kysely } from 'kysely';
import type { Database, IdentityProtocol, IdentityProviderRow } from './schema.js';

/**
 * Identity providers as the login flows find them, before any account is known: by id (a login URL), by email
 * domain (the sign-in page), by SAML issuer (an IdP-initiated response). Only live (not deleted) providers; whether
 * one is enabled is the caller's to judge, so that it can say why it refuses.
 */
export class IdentityProviderLookup {
  constructor(private readonly db: Kysely<Database>) {}

  find(id: number): Promise<IdentityProviderRow | undefined> {
    return this.db.selectFrom('identity_providers').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  }

  /** The live provider holding this (lower-case) email domain, with whether the domain is validated. */
  async findByDomain(domain: string): Promise<{ idp: IdentityProviderRow; validated: boolean } | undefined> {
    const row = await this.db.selectFrom('identity_provider_domains').select(['idp_id', 'validated'])
      .where('domain', '=', domain).executeTakeFirst();
    if (!row) return undefined;
    const idp = await this.find(row.idp_id);
    return idp ? { idp, validated: row.validated === 1 } : undefined;
  }

  async domainsOf(idpId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('identity_provider_domains').select('domain').where('idp_id', '=', idpId).execute();
    return rows.map((r) => r.domain);
  }

  /** Whether any account has a live provider (the server warns at start when they need AX_PUBLIC_URL and it is unset). */
  async anyLive(): Promise<boolean> {
    return (await this.db.selectFrom('identity_providers').select('id').where('deleted_at', 'is', null).limit(1).executeTakeFirst()) !== undefined;
  }

  /** Every live provider of a protocol (few per server: an issuer is matched against each one's metadata). */
  listLive(protocol: IdentityProtocol): Promise<IdentityProviderRow[]> {
    return this.db.selectFrom('identity_providers').selectAll().where('protocol', '=', protocol).where('deleted_at', 'is', null)
      .orderBy('id').execute();
  }

  /** Keeps metadata fetched again at runtime (the last good copy stays when a fetch fails). */
  async storeMetadata(idpId: number, xml: string, fetchedAt: string): Promise<void> {
    await this.db.updateTable('identity_providers').set({ metadata_cached: xml, metadata_fetched_at: fetchedAt })
      .where('id', '=', idpId).where('deleted_at', 'is', null).execute();
  }

  /** Keeps an OIDC discovery document fetched again at runtime. */
  async storeDiscovery(idpId: number, json: string, fetchedAt: string): Promise<void> {
    await this.db.updateTable('identity_providers').set({ discovery_cached: json, discovery_fetched_at: fetchedAt })
      .where('id', '=', idpId).where('deleted_at', 'is', null).execute();
  }
}
