import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';
import { isPostgres } from '../dialect.js';

/**
 * Issue 12, SCIM 2.0 provisioning:
 * - `scim_tokens`: a directory's bearer token, one identity provider's, stored like an API key (HMAC digest, public
 *   id for the lookup, last 4 characters shown), revocable and expiring.
 * - `scim_groups` and `scim_group_members`: a directory's groups (role-mapping input only, never organizations or
 *   spaces), unique by display name per provider (case-insensitive through `display_name_key`).
 * - On `user_identities`, what the directory said about a user it provisioned or took over: `scim_external_id`,
 *   `scim_user_name` (verbatim) and its lower-case `scim_user_name_key` for the case-insensitive filter, and
 *   `scim_attributes` (every other attribute, JSON, returned as sent); `scim_updated_at` for `meta.lastModified`.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  const pg = isPostgres(db);
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema.createTable('scim_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await sql`create index scim_tokens_idp on scim_tokens (idp_id)`.execute(db);

  await db.schema.createTable('scim_groups')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('idp_id', 'integer', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('scim_groups_name', ['idp_id', 'display_name_key'])
    .execute();
  await sql`create index scim_groups_external on scim_groups (idp_id, external_id)`.execute(db);

  await db.schema.createTable('scim_group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('scim_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await sql`create index scim_group_members_user on scim_group_members (user_id)`.execute(db);

  await db.schema.alterTable('user_identities').addColumn('scim_external_id', 'text').execute();
  await db.schema.alterTable('user_identities').addColumn('scim_user_name', 'text').execute();
  await db.schema.alterTable('user_identities').addColumn('scim_user_name_key', 'text').execute();
  await db.schema.alterTable('user_identities').addColumn('scim_attributes', 'text').execute();
  await db.schema.alterTable('user_identities').addColumn('scim_updated_at', 'text').execute();
  await sql`create index user_identities_scim_user_name on user_identities (idp_id, scim_user_name_key)`.execute(db);
  await sql`create index user_identities_scim_external_id on user_identities (idp_id, scim_external_id)`.execute(db);
  // The Provisioning tab reads a provider's latest SCIM_SYNC and SCIM_ERROR rows.
  await sql`create index audit_logs_operation on audit_logs (account_id, operation_name, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
