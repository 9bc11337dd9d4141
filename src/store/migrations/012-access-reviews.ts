import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import type { MigrationDatabase } from './migration-database.js';

/**
 * Issue 18, access reviews (docs/access-reviews.md):
 * - `access_reviews`: one signed snapshot of who can do what in an account — its name, who took it and when, its
 *   status (`open` until closed), the SHA-256 digest of its grants' canonical encoding and the Ed25519 signature of
 *   that digest with the audit signing key (`key_id` as in docs/audit.md).
 * - `access_review_grants`: the frozen grants, one row per principal × grant (account role, organization or space
 *   membership, role binding), with the names as they were, where the grant came from (MANUAL, SSO, SCIM) and the
 *   reviewer's decision (`keep` / `revoke`, who, when, a note, and what revoking did). Only the frozen columns are
 *   signed; decisions are evidenced by the audit chain (each one is an audit entry naming the review).
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  const id = (c: ColumnDefinitionBuilder) => (isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  await db.schema.createTable('access_reviews')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_user_id', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by_user_id', 'integer')
    .addColumn('grant_count', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_reviews_account').on('access_reviews').columns(['account_id', 'id']).execute();
  await db.schema.createTable('access_review_grants')
    .addColumn('id', 'integer', id)
    .addColumn('review_id', 'integer', (c) => c.notNull().references('access_reviews.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('principal_type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('principal_name', 'text', (c) => c.notNull())
    .addColumn('principal_email', 'text', (c) => c.notNull())
    .addColumn('principal_status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'integer', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('role_id', 'integer')
    .addColumn('role_name', 'text', (c) => c.notNull())
    .addColumn('binding_id', 'integer')
    .addColumn('provenance', 'text', (c) => c.notNull())
    .addColumn('provenance_idp_id', 'integer')
    .addColumn('expires_at', 'text')
    .addColumn('decision', 'text')
    .addColumn('decided_by_user_id', 'integer')
    .addColumn('decided_at', 'text')
    .addColumn('note', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('access_review_grants_review').on('access_review_grants').columns(['review_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
