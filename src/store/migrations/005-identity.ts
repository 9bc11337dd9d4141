import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';
import { isPostgres } from '../dialect.js';

/**
 * Issue 10, single sign-on (SAML and OIDC):
 * - `identity_providers` (one per SAML or OIDC configuration, soft-deleted), their `identity_provider_domains`
 *   (unique across every provider of every account), ordered `role_mappings`, `user_identities` (the link
 *   `(idp, subject) → user`), `sso_login_attempts` (a started login, single use) and `saml_assertions_seen` (the
 *   replay guard every process shares).
 * - Grant provenance: `source` (`MANUAL` | `SSO` | `SCIM`) and `source_idp_id` on organization and space
 *   memberships and role bindings, so that a sync touches only what it wrote; `users.role_source` and
 *   `users.role_before_sync` for an account role a sync promoted.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  const pg = isPostgres(db);
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  const flag = (value: 0 | 1) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(value);

  await db.schema.createTable('identity_providers')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', flag(1))
    .addColumn('allow_only_sso_logins', 'integer', flag(0))
    .addColumn('sync_user_roles', 'integer', flag(1))
    .addColumn('allow_default_login', 'integer', flag(0))
    .addColumn('default_org_id', 'integer', (c) => c.references('organizations.id'))
    .addColumn('default_org_role_id', 'integer', (c) => c.references('roles.id'))
    .addColumn('default_space_id', 'integer', (c) => c.references('spaces.id'))
    .addColumn('default_space_role_id', 'integer', (c) => c.references('roles.id'))
    .addColumn('metadata_url', 'text')
    .addColumn('metadata_xml', 'text')
    .addColumn('metadata_cached', 'text')
    .addColumn('metadata_fetched_at', 'text')
    .addColumn('sign_authn', 'integer', flag(0))
    .addColumn('allow_idp_initiated', 'integer', flag(0))
    .addColumn('issuer', 'text')
    .addColumn('client_id', 'text')
    .addColumn('client_secret_enc', 'text')
    .addColumn('scopes', 'text')
    .addColumn('email_claim_path', 'text')
    .addColumn('name_claim_path', 'text')
    .addColumn('groups_claim_path', 'text')
    .addColumn('use_userinfo', 'integer', flag(1))
    .addColumn('discovery_cached', 'text')
    .addColumn('discovery_fetched_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  // A name is unique among the account's live providers (a deleted one frees its name, like its domains).
  await sql`create unique index identity_providers_live_name on identity_providers (account_id, name) where deleted_at is null`.execute(db);

  await db.schema.createTable('identity_provider_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('validated', 'integer', flag(0))
    .execute();
  await sql`create index identity_provider_domains_idp on identity_provider_domains (idp_id)`.execute(db);

  await db.schema.createTable('role_mappings')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attributes_map', 'text', (c) => c.notNull())
    .addColumn('is_account_admin', 'integer', flag(0))
    .addColumn('org_role', 'text')
    .addColumn('space_roles', 'text', (c) => c.notNull())
    .addColumn('project_roles', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create index role_mappings_idp on role_mappings (idp_id, position)`.execute(db);

  await db.schema.createTable('user_identities')
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provisioned_by_scim', 'integer', flag(0))
    .addColumn('last_login_at', 'text')
    .addColumn('last_attributes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['idp_id', 'subject'])
    .execute();
  await sql`create index user_identities_user on user_identities (user_id)`.execute(db);

  await db.schema.createTable('sso_login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.unique())
    .addColumn('state_hash', 'text', (c) => c.unique())
    .addColumn('nonce', 'text')
    .addColumn('code_verifier', 'text')
    .addColumn('browser_binding_hash', 'text')
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .addColumn('completed_at', 'text')
    .execute();
  await sql`create index sso_login_attempts_expiry on sso_login_attempts (expires_at)`.execute(db);

  await db.schema.createTable('saml_assertions_seen')
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('assertion_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_assertions_seen_pk', ['idp_id', 'assertion_id'])
    .execute();
  await sql`create index saml_assertions_seen_expiry on saml_assertions_seen (expires_at)`.execute(db);

  for (const table of ['organization_memberships', 'space_memberships', 'role_bindings']) {
    await db.schema.alterTable(table).addColumn('source', 'text', (c) => c.notNull().defaultTo('MANUAL')).execute();
    await db.schema.alterTable(table).addColumn('source_idp_id', 'integer', (c) => c.references('identity_providers.id')).execute();
  }
  await db.schema.alterTable('users').addColumn('role_source', 'text').execute();
  await db.schema.alterTable('users').addColumn('role_before_sync', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
