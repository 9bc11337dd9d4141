import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';
import { isPostgres } from '../dialect.js';

/**
 * Issue 8, authentication:
 * - `authentication_failures`: failed authentications leave audit_logs (Arize's schema requires a user_id on every
 *   audit entry) for a table of their own, counted per window instead of one row per attempt. Earlier failure
 *   rows (audit_logs without a user) move there with a count of 1.
 * - `sessions.last_seen_at` for the idle timeout; `sessions.csrf_token` goes: the CSRF token is now derived from
 *   the session token with an HMAC, so nothing that lets a database reader forge requests is stored.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  const pg = isPostgres(db);
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  await db.schema.createTable('authentication_failures')
    .addColumn('id', 'integer', id)
    .addColumn('bucket', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create index authentication_failures_account on authentication_failures (account_id, last_at, id)`.execute(db);

  const old = await db.selectFrom('audit_logs').selectAll().where('user_id', 'is', null).execute();
  for (const row of old as { id: number; account_id: number | null; ip: string; operation_name: string | null; operation_text: string | null; variables: string | null; created_at: string }[]) {
    const operation = (row.operation_name ?? '').replace(/^AUTHENTICATION_FAILED /, '');
    const reason = reasonOf(row.operation_text) ?? reasonOf(row.variables) ?? 'unknown';
    await db.insertInto('authentication_failures').values({
      bucket: `migrated-audit-log-${row.id}`, account_id: row.account_id, user_id: null, ip: row.ip, reason, operation,
      count: 1, first_at: row.created_at, last_at: row.created_at,
    }).execute();
  }
  await db.deleteFrom('audit_logs').where('user_id', 'is', null).execute();

  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
  await db.schema.alterTable('sessions').dropColumn('csrf_token').execute();
}

function reasonOf(json: string | null): string | undefined {
  if (!json) return undefined;
  try {
    const parsed = JSON.parse(json) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : undefined;
  } catch {
    return undefined;
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
