import { type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';
import { isPostgres } from '../dialect.js';

/**
 * Issue 11, `ax auth login` (this server as an OAuth 2.0 authorization server, built on oidc-provider):
 * `oauth_payloads` keeps the provider's state — interactions, its short sessions, grants (one per CLI login),
 * authorization codes, access and refresh tokens — so that every process sees every login and a revocation is
 * immediate everywhere. `id` is an HMAC digest of the library's id (a token is its own id: no raw token is stored);
 * `row_id` numbers grants on the wire (`OAuthGrant:n`); `account_id` is our user id, so deleting or resetting a user
 * ends its logins in one statement.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  const pg = isPostgres(db);
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());

  await db.schema.createTable('oauth_payloads')
    .addColumn('row_id', 'integer', id)
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('account_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .addColumn('last_used_at', 'text')
    .addUniqueConstraint('oauth_payloads_model_id', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oauth_payloads_grant').on('oauth_payloads').column('grant_id').execute();
  await db.schema.createIndex('oauth_payloads_uid').on('oauth_payloads').column('uid').execute();
  await db.schema.createIndex('oauth_payloads_account').on('oauth_payloads').columns(['account_id', 'model']).execute();
  await db.schema.createIndex('oauth_payloads_expires').on('oauth_payloads').column('expires_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
