import { type Kysely, sql } from 'kysely';
import { entryHash, GENESIS_HASH } from '../../domain/audit-chain.js';
import type { MigrationDatabase } from './migration-database.js';

/**
 * Issue 18, a tamper-evident audit log (docs/audit.md):
 * - `audit_logs.chain_seq` / `chain_hash`: each entry's place in its account's chain (1, 2, …) and the SHA-256 of
 *   its fields together with the previous entry's hash; unique per account, so two writers can never both take a place.
 * - `audit_chain_heads`: per account, the last place and hash. Every writer updates it first thing (an upsert), which
 *   serializes the account's writers on PostgreSQL (a row lock held to commit) as SQLite's single writer does.
 * - `audit_checkpoints`: Ed25519 signatures over (account, place, hash), made with a key kept outside the database.
 * Existing entries are chained here, each account's in id order, so the whole history is covered from the start.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await db.schema.alterTable('audit_logs').addColumn('chain_seq', 'integer').execute();
  await db.schema.alterTable('audit_logs').addColumn('chain_hash', 'text').execute();
  await db.schema.createTable('audit_chain_heads')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('audit_checkpoints')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['account_id', 'seq'])
    .execute();

  const accounts = await db.selectFrom('audit_logs').select('account_id').distinct().where('account_id', 'is not', null).execute();
  for (const { account_id } of accounts) {
    const accountId = Number(account_id);
    let seq = 0;
    let hash = GENESIS_HASH;
    for (let after = 0; ;) {
      const rows = await db.selectFrom('audit_logs').selectAll().where('account_id', '=', accountId).where('id', '>', after)
        .orderBy('id').limit(1000).execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        seq += 1;
        hash = entryHash(hash, {
          account_id: accountId, seq, created_at: row.created_at as string, user_id: row.user_id === null ? null : Number(row.user_id),
          ip: row.ip as string, operation_type: row.operation_type as string, operation_name: row.operation_name as string | null,
          operation_text: row.operation_text as string | null, variables: row.variables as string | null,
        });
        await db.updateTable('audit_logs').set({ chain_seq: seq, chain_hash: hash }).where('id', '=', row.id).execute();
      }
      after = Number(rows[rows.length - 1]!.id);
    }
    await db.insertInto('audit_chain_heads').values({ account_id: accountId, seq, hash }).execute();
  }
  await sql`create unique index audit_logs_chain on audit_logs (account_id, chain_seq)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
