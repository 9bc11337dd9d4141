import { type Clock, systemClock } from '../domain/clock.js';
import type { Principal } from '../domain/principal.js';
import { KEY_CACHE_HIT, KEY_CACHE_MISS, telemetry } from '../domain/telemetry.js';
import type { KeyRecord } from '../domain/key-record.js';
import { mayAuthenticate } from '../domain/user-standing.js';
import { digestKey, digestsEqual, fingerprintKey, rawKeyMatches } from './key-digest.js';
import { importedPublicId, parseKey } from './key-format.js';

/** Why a key failed. Never sent to the client (a 401 says nothing more); written to the audit log. */
export type KeyFailure =
  | 'malformed' | 'unknown' | 'revoked' | 'expired' | 'grace_ended' | 'inactive_principal' | 'wrong_secret';

/**
 * `inGrace`: the key was replaced by a refresh and works until its grace period ends (its uses are counted).
 * `publicId`: the public id the key carries (the handle its failures are limited by); an imported key has none.
 */
export type VerifyResult =
  | { ok: true; principal: Principal; inGrace?: true; publicId?: string }
  | { ok: false; failure: KeyFailure; accountId?: number };

interface CachedKey {
  keyId: number;
  /** HMAC digest as stored. */
  digest: string;
  /** fingerprintKey() of the raw key, once a request proved it against `digest`. */
  fingerprint: string | undefined;
  status: 'ACTIVE' | 'REVOKED';
  expiresAtMs: number | null;
  /** Replaced by a refresh: once expired, the failure is the end of the grace period. */
  replaced: boolean;
  principal: Principal;
  principalActive: boolean;
  loadedAtMs: number;
  /** The answer to a successful verification, built once. */
  accepted: VerifyResult;
  /** When this process last wrote the key's last_used_at (carried over from before a reload). */
  touchedAtMs: number | undefined;
}

/** What the verifier reads and writes: implemented by the store (src/store/key-records.ts), given by the composition root. */
export interface KeyLookup {
  find(publicId: string): Promise<KeyRecord | undefined>;
  importedPublicIds(): Promise<string[]>;
  touch(keyId: number, at: string): Promise<void>;
}

const CACHE_TTL_MS = 60_000;
const LAST_USED_INTERVAL_MS = 60_000;
const CACHE_MAX = 50_000;
const MALFORMED: VerifyResult = { ok: false, failure: 'malformed' };
const UNKNOWN: VerifyResult = { ok: false, failure: 'unknown' };

/** A cached record younger than the TTL: trusted without a read (invalidations aside). */
const fresh = (entry: CachedKey, now: number) => now - entry.loadedAtMs <= CACHE_TTL_MS;

/**
 * Verifies raw API keys. A hot key costs no database read: records are cached by public id and dropped at once
 * by invalidate*() on revoke/refresh/delete/role change (in this process directly, in the others through the
 * change feed), with a TTL as a backstop. `last_used_at` is written at most once a minute per key.
 *
 * @example
 * const result = await verifier.verify(rawKeyFromHeader);
 * if (!result.ok) throw unauthenticated(); // result.failure goes to the audit log only
 */
export class KeyVerifier {
  readonly #cache = new Map<string, CachedKey>();
  readonly #lastUsedWritten = new Map<number, number>();
  /** Public ids of keys imported from outside (AX_ADMIN_API_KEY), which do not carry our checksum. */
  readonly #imported = new Set<string>();
  /**
   * Bumped by every invalidation. A load that was in flight while one happened may have read the row before
   * the change committed, so its result serves that one request but is not cached.
   */
  #generation = 0;
  /**
   * Per client connection, the key last proved on it: the raw key's bytes, its record, and the generation it was proved in
   * (an invalidation since ends it). Dropped with the connection.
   */
  readonly #provedOn = new WeakMap<object, { key: Buffer; entry: CachedKey; generation: number }>();

  constructor(
    private readonly lookup: KeyLookup,
    private readonly pepper: Buffer,
    private readonly clock: Clock = systemClock,
  ) {}

  async verify(raw: string): Promise<VerifyResult> {
    const publicId = this.#publicIdOf(raw);
    if (publicId === undefined) return MALFORMED;
    return this.#fromCache(publicId, raw, this.clock.now()) ?? this.#verifyLoading(publicId, raw);
  }

  /**
   * verify()'s answer without I/O or a promise, when it needs no database read (the key's record is cached, or the
   * key is malformed); undefined when it does, and then verify() is the call to make. Every request of a hot key
   * is answered here: the HTTP layer's authentication stays synchronous for it.
   *
   * `connection`: the client connection the key came on (the HTTP layer's socket). The key it last proved on that
   * connection is kept with it, and the same key again on the same connection is accepted without parsing or
   * hashing it. That is every request of a keep-alive client after its first: skipping the parse and the hash
   * saved 14k of the ~150k instructions a hot GET cost (bench/http/count-instructions.ts). The raw key is then held
   * for the connection's life (docs/decisions.md, "A key proved on a connection"). Nothing else is skipped: an
   * invalidation anywhere, the cache's TTL, the key's expiry and its principal's standing end or refuse it as on a
   * first request.
   */
  verifyCached(raw: string, connection?: object): VerifyResult | undefined {
    const now = this.clock.now();
    if (connection !== undefined) {
      const proved = this.#provedOn.get(connection);
      // Compared without an early exit: a connection a proxy shares between clients holds another client's key.
      if (proved !== undefined && proved.generation === this.#generation && fresh(proved.entry, now) && rawKeyMatches(proved.key, raw)) {
        if (telemetry.keyCache.hasSubscribers) telemetry.keyCache.publish(KEY_CACHE_HIT);
        return this.#checkStanding(proved.entry, now);
      }
    }
    const publicId = this.#publicIdOf(raw);
    if (publicId === undefined) return MALFORMED;
    return this.#fromCache(publicId, raw, now, connection);
  }

  #fromCache(publicId: string, raw: string, now: number, connection?: object): VerifyResult | undefined {
    const entry = this.#cache.get(publicId);
    if (entry === undefined || !fresh(entry, now)) return undefined;
    if (telemetry.keyCache.hasSubscribers) telemetry.keyCache.publish(KEY_CACHE_HIT);
    const result = this.#check(entry, raw, now);
    if (connection !== undefined && result.ok) this.#provedOn.set(connection, { key: Buffer.from(raw, 'utf8'), entry, generation: this.#generation });
    return result;
  }

  async #verifyLoading(publicId: string, raw: string): Promise<VerifyResult> {
    const now = this.clock.now();
    if (telemetry.keyCache.hasSubscribers) telemetry.keyCache.publish(KEY_CACHE_MISS);
    const entry = await this.#load(publicId, parseKey(raw) !== undefined, now);
    return entry === undefined ? UNKNOWN : this.#check(entry, raw, now);
  }

  /** The public id the raw key names: its own, or that of the imported key whose digest it has; else undefined. */
  #publicIdOf(raw: string): string | undefined {
    const publicId = parseKey(raw)?.publicId;
    if (publicId !== undefined || this.#imported.size === 0 || raw.length > 512) return publicId;
    const id = importedPublicId(digestKey(this.pepper, raw));
    return this.#imported.has(id) ? id : undefined;
  }

  #check(entry: CachedKey, raw: string, now: number): VerifyResult {
    if (!this.#secretMatches(entry, raw)) return { ok: false, failure: 'wrong_secret', accountId: entry.principal.accountId };
    return this.#checkStanding(entry, now);
  }

  /** The record's verdict on a key whose secret is proved: revoked, expired, its principal inactive, or accepted. */
  #checkStanding(entry: CachedKey, now: number): VerifyResult {
    const accountId = entry.principal.accountId;
    if (entry.status !== 'ACTIVE') return { ok: false, failure: 'revoked', accountId };
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) {
      return { ok: false, failure: entry.replaced ? 'grace_ended' : 'expired', accountId };
    }
    if (!entry.principalActive) return { ok: false, failure: 'inactive_principal', accountId };
    this.#touch(entry, now);
    return entry.accepted;
  }

  /**
   * The presented key against the record: the first time by its HMAC (the stored digest), after that by its
   * in-memory fingerprint, which costs a plain SHA-256. Both comparisons are constant-time.
   */
  #secretMatches(entry: CachedKey, raw: string): boolean {
    if (entry.fingerprint !== undefined) return digestsEqual(entry.fingerprint, fingerprintKey(raw));
    if (!digestsEqual(entry.digest, digestKey(this.pepper, raw))) return false;
    entry.fingerprint = fingerprintKey(raw);
    return true;
  }

  async loadImportedKeys(): Promise<void> {
    for (const publicId of await this.lookup.importedPublicIds()) this.#imported.add(publicId);
  }

  registerImported(publicId: string): void {
    this.#imported.add(publicId);
  }

  invalidateKey(publicId: string): void {
    this.#generation++;
    this.#cache.delete(publicId);
  }

  invalidateUser(userId: number): void {
    this.#generation++;
    for (const [id, e] of this.#cache) if (e.principal.userId === userId) this.#cache.delete(id);
  }

  invalidateAll(): void {
    this.#generation++;
    this.#cache.clear();
  }

  /** `own`: the key carries `publicId` (else it is an imported key, found by its digest). */
  async #load(publicId: string, own: boolean, now: number): Promise<CachedKey | undefined> {
    const generation = this.#generation;
    const row = await this.lookup.find(publicId);
    if (row === undefined) return undefined;
    const principal: Principal = {
      accountId: row.account_id, userId: row.user_id, name: row.name, email: row.email, role: row.role,
      isBot: row.is_bot === 1, apiKeyId: row.key_id,
    };
    const accepted: VerifyResult = { ok: true, principal, ...(row.replaced_by_id !== null ? { inGrace: true as const } : {}), ...(own ? { publicId } : {}) };
    const entry: CachedKey = {
      keyId: row.key_id,
      digest: row.secret_hash,
      fingerprint: undefined,
      status: row.status,
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
      replaced: row.replaced_by_id !== null,
      principal,
      principalActive: mayAuthenticate({ status: row.user_status, deleted_at: row.deleted_at, deactivated_at: row.deactivated_at }),
      loadedAtMs: now,
      accepted,
      touchedAtMs: this.#lastUsedWritten.get(row.key_id),
    };
    if (generation === this.#generation) {
      if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(publicId, entry);
    }
    return entry;
  }

  #touch(entry: CachedKey, now: number): void {
    if (entry.touchedAtMs !== undefined && now - entry.touchedAtMs < LAST_USED_INTERVAL_MS) return;
    const { keyId } = entry;
    entry.touchedAtMs = now;
    if (this.#lastUsedWritten.size >= CACHE_MAX) this.#lastUsedWritten.clear();
    this.#lastUsedWritten.set(keyId, now);
    this.lookup.touch(keyId, new Date(now).toISOString())
      .catch(() => {
        this.#lastUsedWritten.delete(keyId);
        entry.touchedAtMs = undefined;
      });
  }
}
