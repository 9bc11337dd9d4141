import type { Kysely } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { Database } from '../store/schema.js';
import { digestKey, digestsEqual } from './key-digest.js';
import { importedPublicId, parseKey } from './key-format.js';

/** Why a key failed. Never sent to the client (a 401 says nothing more); written to the audit log. */
export type KeyFailure = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'inactive_principal' | 'wrong_secret';

export type VerifyResult = { ok: true; principal: Principal } | { ok: false; failure: KeyFailure; accountId?: number };

interface CachedKey {
  keyId: number;
  digest: string;
  status: 'ACTIVE' | 'REVOKED';
  expiresAtMs: number | null;
  principal: Principal;
  principalActive: boolean;
  loadedAtMs: number;
}

const CACHE_TTL_MS = 60_000;
const LAST_USED_INTERVAL_MS = 60_000;
const CACHE_MAX = 50_000;

/**
 * Verifies raw API keys. A hot key costs no database read: records are cached by public id and dropped at once
 * by invalidate*() on revoke/refresh/delete/role change (in this process directly, in the others through the
 * change feed), with a TTL as a backstop. `last_used_at` is written at most once a minute per key.
 */
export class KeyVerifier {
  readonly #cache = new Map<string, CachedKey>();
  readonly #lastUsedWritten = new Map<number, number>();
  /** Public ids of keys imported from outside (AX_ADMIN_API_KEY), which do not carry our checksum. */
  readonly #imported = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly pepper: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(raw: string): Promise<VerifyResult> {
    let publicId = parseKey(raw)?.publicId;
    let digest: string | undefined;
    if (!publicId && this.#imported.size > 0 && raw.length <= 512) {
      digest = digestKey(this.pepper, raw);
      const id = importedPublicId(digest);
      if (this.#imported.has(id)) publicId = id;
    }
    if (!publicId) return { ok: false, failure: 'malformed' };
    const now = this.now();
    let entry = this.#cache.get(publicId);
    if (!entry || now - entry.loadedAtMs > CACHE_TTL_MS) {
      entry = await this.#load(publicId, now);
      if (!entry) return { ok: false, failure: 'unknown' };
    }
    const accountId = entry.principal.accountId;
    if (!digestsEqual(entry.digest, digest ?? digestKey(this.pepper, raw))) return { ok: false, failure: 'wrong_secret', accountId };
    if (entry.status !== 'ACTIVE') return { ok: false, failure: 'revoked', accountId };
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) return { ok: false, failure: 'expired', accountId };
    if (!entry.principalActive) return { ok: false, failure: 'inactive_principal', accountId };
    this.#touch(entry.keyId, now);
    return { ok: true, principal: entry.principal };
  }

  async loadImportedKeys(): Promise<void> {
    const rows = await this.db.selectFrom('api_keys').select('public_id').where('public_id', 'like', 'imp%').execute();
    for (const r of rows) this.#imported.add(r.public_id);
  }

  registerImported(publicId: string): void {
    this.#imported.add(publicId);
  }

  invalidateKey(publicId: string): void {
    this.#cache.delete(publicId);
  }

  invalidateUser(userId: number): void {
    for (const [id, e] of this.#cache) if (e.principal.userId === userId) this.#cache.delete(id);
  }

  invalidateAll(): void {
    this.#cache.clear();
  }

  async #load(publicId: string, now: number): Promise<CachedKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id as key_id', 'k.secret_hash', 'k.status', 'k.expires_at', 'u.id as user_id', 'u.account_id', 'u.name',
        'u.email', 'u.role', 'u.is_bot', 'u.status as user_status', 'u.deleted_at'])
      .where('k.public_id', '=', publicId)
      .executeTakeFirst();
    if (!row) return undefined;
    const entry: CachedKey = {
      keyId: row.key_id,
      digest: row.secret_hash,
      status: row.status,
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
      principal: {
        accountId: row.account_id, userId: row.user_id, name: row.name, email: row.email, role: row.role,
        isBot: row.is_bot === 1, apiKeyId: row.key_id,
      },
      principalActive: row.user_status === 'ACTIVE' && row.deleted_at === null,
      loadedAtMs: now,
    };
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(publicId, entry);
    return entry;
  }

  #touch(keyId: number, now: number): void {
    const last = this.#lastUsedWritten.get(keyId);
    if (last !== undefined && now - last < LAST_USED_INTERVAL_MS) return;
    this.#lastUsedWritten.set(keyId, now);
    this.db.updateTable('api_keys').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', keyId)
      .execute()
      .catch(() => this.#lastUsedWritten.delete(keyId));
  }
}
