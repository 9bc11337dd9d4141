import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from '../../src/domain/audit-chain.js';
import { isPostgres } from '../../src/store/dialect.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { AuditLogRepository } from '../../src/store/repositories/audit-logs.js';
import type { Database } from '../../src/store/schema.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-user-tokens-by-user.js';
import * as m003 from '../../src/store/migrations/003-service-key-root-creator.js';
import * as m004 from '../../src/store/migrations/004-auth-hardening.js';
import * as m005 from '../../src/store/migrations/005-identity.js';
import * as m006 from '../../src/store/migrations/006-oauth.js';
import * as m007 from '../../src/store/migrations/007-deactivation.js';
import * as m008 from '../../src/store/migrations/008-scim.js';
import * as m009 from '../../src/store/migrations/009-identity-links-by-user-and-provider.js';
import * as m010 from '../../src/store/migrations/010-expiring-grants.js';
import { createTestDatabase } from '../helpers/database.js';

/** Migration 011 chains the audit entries that exist when it runs, each account's in id order (docs/audit.md). */
const BEFORE_011: Record<string, Migration> = {
  '001-initial': m001, '002-user-tokens-by-user': m002, '003-service-key-root-creator': m003, '004-auth-hardening': m004, '005-identity': m005,
  '006-oauth': m006, '007-deactivation': m007, '008-scim': m008, '009-identity-links-by-user-and-provider': m009, '010-expiring-grants': m010,
};

async function migrateBefore011(db: Kysely<Database>): Promise<void> {
  const schema = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => BEFORE_011 }, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error;
}

describe('migration 011', () => {
  it('chains the existing entries of each account in id order, and the next write continues the chain', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-m011-'));
    const store = openStore({ dataDir, databaseUrl: database.url });
    try {
      const db = store.db as unknown as Kysely<Database>;
      await migrateBefore011(db);
      const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
      for (const name of ['one', 'two']) await db.insertInto('accounts').values({ name, created_at: at(0) }).execute();
      // Interleaved accounts, a NUL-free but escaped-heavy text, a SCIM row without a user.
      const rows = [
        { account_id: 1, user_id: 1, operation_name: 'POST /v2/organizations', operation_text: '{"name":"a \\"quoted\\" \\n name"}' },
        { account_id: 2, user_id: 7, operation_name: 'POST /v2/spaces', operation_text: null },
        { account_id: 1, user_id: null, operation_name: 'SCIM_SYNC', operation_text: 'ünïcödé ✓' },
        { account_id: 1, user_id: 1, operation_name: 'DELETE /v2/spaces/{space_id}', operation_text: null },
      ];
      for (const [i, r] of rows.entries()) {
        await (db as unknown as Kysely<Record<string, Record<string, unknown>>>).insertInto('audit_logs')
          .values({ ...r, ip: '10.0.0.1', operation_type: 'MUTATION', variables: '{}', created_at: at(i + 1) }).execute();
      }

      await migrateToLatest(db);
      for (const accountId of [1, 2]) {
        const chain = await db.selectFrom('audit_logs').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
        let prev = GENESIS_HASH;
        for (const [i, row] of chain.entries()) {
          expect(Number(row.chain_seq)).toBe(i + 1);
          prev = entryHash(prev, { ...row, account_id: accountId, seq: i + 1 });
          expect(row.chain_hash).toBe(prev);
        }
        expect(await db.selectFrom('audit_chain_heads').select(['seq', 'hash']).where('account_id', '=', accountId).executeTakeFirstOrThrow())
          .toEqual({ seq: chain.length, hash: prev });
      }

      await new AuditLogRepository(db, 1).recordMutation({ userId: 1, ip: '10.0.0.2', operation: 'POST /v2/projects', at: at(9) });
      const next = await db.selectFrom('audit_logs').selectAll().where('account_id', '=', 1).where('chain_seq', '=', 4).executeTakeFirstOrThrow();
      const third = await db.selectFrom('audit_logs').select('chain_hash').where('account_id', '=', 1).where('chain_seq', '=', 3).executeTakeFirstOrThrow();
      expect(next.chain_hash).toBe(entryHash(third.chain_hash!, { ...next, account_id: 1, seq: 4 }));
    } finally {
      await store.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
