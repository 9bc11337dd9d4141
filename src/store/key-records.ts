import { CompiledQuery, type Kysely } from 'kysely';
import type { KeyRecord } from '../domain/key-record.js';
import type { Database } from './schema.js';
import { withoutWaiting } from './sqlite/busy-timeout.js';

/** The queries of the API key verifier (src/keys/key-verifier.ts), which sees the database only through these. */
export class KeyRecords {
  /** The lookup, compiled once for this database's dialect: a cache miss then skips the query builder. */
  readonly #lookupSql: string;

  constructor(private readonly db: Kysely<Database>) {
    this.#lookupSql = db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id as key_id', 'k.secret_hash', 'k.status', 'k.expires_at', 'k.replaced_by_id', 'u.id as user_id',
        'u.account_id', 'u.name', 'u.email', 'u.role', 'u.is_bot', 'u.status as user_status', 'u.deleted_at', 'u.deactivated_at'])
      .where('k.public_id', '=', '')
      .compile().sql;
  }

  async find(publicId: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.db.executeQuery<KeyRecord>(CompiledQuery.raw(this.#lookupSql, [publicId]));
    return rows[0];
  }

  /** Public ids of keys imported from outside (AX_ADMIN_API_KEY): they carry no checksum of ours. */
  async importedPublicIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('api_keys').select('public_id').where('public_id', 'like', 'imp%').execute();
    return rows.map((r) => r.public_id);
  }

  /** Fails at once, rather than waiting, while another process holds SQLite's write lock (the caller retries later). */
  async touch(keyId: number, at: string): Promise<void> {
    await withoutWaiting(this.db, (db) => db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute());
  }
}
