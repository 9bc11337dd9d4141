import { mkdtemp, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import { digestKey, generateKey } from '../../src/keys/index.js';
import { createAccount } from '../../src/services/accounts.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import type { ApiKeysTable, Database } from '../../src/store/schema.js';

/** A migrated SQLite database in a temp dir with one account and one user; counts the queries it runs. */
export async function openKeyStore() {
  const dir = await mkdtemp(join(tmpdir(), 'ax-keys-'));
  const file = new SQLite(join(dir, 'ax.db'));
  let queries = 0;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }), log: () => { queries++; } });
  await migrateToLatest(db);
  const accountId = await db.transaction().execute((trx) => createAccount(trx, 'keys'));
  const now = new Date().toISOString();
  const { id: userId } = await db.insertInto('users').values({
    account_id: accountId, name: 'Ada', email: 'ada@example.com', email_lower: 'ada@example.com', role: 'MEMBER', status: 'ACTIVE',
    is_developer: 1, is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return {
    db, accountId, userId,
    queries: () => queries,
    /** Inserts a key row for `raw` (generated when absent); `secretOf` stores another raw key's digest instead. */
    async insertKey(pepper: Buffer, fields: Partial<Pick<ApiKeysTable, 'status' | 'expires_at' | 'replaced_by_id'>> = {}, secretOf?: string) {
      const key = generateKey();
      const row = await db.insertInto('api_keys').values({
        account_id: accountId, user_id: userId, created_by_user_id: userId, key_type: 'USER', name: 'k', description: null,
        public_id: key.publicId, secret_hash: digestKey(pepper, secretOf ?? key.raw), last4: key.last4, status: 'ACTIVE',
        expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now, ...fields,
      }).returning('id').executeTakeFirstOrThrow();
      return { ...key, id: row.id };
    },
    async close() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A well-formed key (valid checksum) with the same public id as `raw` and another secret. */
export function sameIdOtherSecret(raw: string): string {
  const body = `${raw.slice(0, 16)}${raw[16] === 'A' ? 'B' : 'A'}${raw.slice(17, 59)}`;
  let n = crc32(body) >>> 0;
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = ALPHABET[n % 62]! + checksum;
    n = Math.floor(n / 62);
  }
  return body + checksum;
}
