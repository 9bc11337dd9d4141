import type { Clock } from '../../domain/clock.js';
import { digestKey, digestsEqual, scimTokenFormat } from '../../keys/index.js';
import type { ScimTokenRecords, ScimTokenRecord } from '../../store/repositories/scim-tokens.js';
import type { IdentityProtocol } from '../../store/schema.js';

/** Why a SCIM token failed: recorded as the authentication failure's reason, never told to the client. */
export type ScimTokenFailure = 'malformed' | 'unknown' | 'wrong_secret' | 'revoked' | 'expired' | 'idp_disabled' | 'idp_deleted';

/** The directory a valid token speaks for. */
export interface VerifiedScimToken {
  tokenId: number;
  accountId: number;
  idpId: number;
  idpProtocol: IdentityProtocol;
}

export type ScimTokenResult =
  | { ok: true; token: VerifiedScimToken; publicId: string }
  | { ok: false; failure: ScimTokenFailure; accountId?: number; publicId?: string };

interface CachedToken {
  record: ScimTokenRecord;
  expiresAtMs: number | null;
  loadedAtMs: number;
  accepted: ScimTokenResult;
  /** When this process last wrote the token's last_used_at. */
  touchedAtMs: number | undefined;
}

/** A backstop only: revocations and provider changes drop entries at once through the change feed. */
const CACHE_TTL_MS = 60_000;
const LAST_USED_INTERVAL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * Verifies raw SCIM tokens as KeyVerifier does API keys: the checksum first (a typo costs no database read), then
 * the record by its public id — cached, so a directory's initial sync of thousands of requests reads it once — and
 * its HMAC digest in constant time, then revocation, expiry and the provider's standing. Entries go at once when the
 * change feed names the token (revoked) or its provider (disabled, deleted, changed), here or in another process.
 * `last_used_at` is written at most once a minute per token.
 */
export class ScimTokenVerifier {
  readonly #cache = new Map<string, CachedToken>();
  /** Bumped by every invalidation: a load in flight meanwhile serves its request but is not cached. */
  #generation = 0;

  constructor(private readonly records: ScimTokenRecords, private readonly pepper: Buffer, private readonly clock: Clock) {}

  async verify(raw: string): Promise<ScimTokenResult> {
    const publicId = scimTokenFormat.parse(raw)?.publicId;
    if (publicId === undefined) return { ok: false, failure: 'malformed' };
    const now = this.clock.now();
    let entry = this.#cache.get(publicId);
    if (entry === undefined || now - entry.loadedAtMs > CACHE_TTL_MS) {
      entry = await this.#load(publicId, now);
      if (entry === undefined) return { ok: false, failure: 'unknown', publicId };
    }
    const { record } = entry;
    const refused = (failure: ScimTokenFailure): ScimTokenResult => ({ ok: false, failure, accountId: record.account_id, publicId });
    if (!digestsEqual(record.secret_hash, digestKey(this.pepper, raw))) return refused('wrong_secret');
    if (record.revoked_at !== null) return refused('revoked');
    if (entry.expiresAtMs !== null && entry.expiresAtMs <= now) return refused('expired');
    if (record.idp_deleted_at !== null) return refused('idp_deleted');
    if (record.idp_enabled !== 1) return refused('idp_disabled');
    this.#touch(entry, now);
    return entry.accepted;
  }

  /** Everything at once: the change feed's connection was lost, so some revocation may have been missed. */
  invalidateAll(): void {
    this.#generation++;
    this.#cache.clear();
  }

  invalidateToken(publicId: string): void {
    this.#generation++;
    this.#cache.delete(publicId);
  }

  invalidateProvider(idpId: number): void {
    this.#generation++;
    for (const [publicId, entry] of this.#cache) if (entry.record.idp_id === idpId) this.#cache.delete(publicId);
  }

  async #load(publicId: string, now: number): Promise<CachedToken | undefined> {
    const generation = this.#generation;
    const record = await this.records.find(publicId);
    if (record === undefined) return undefined;
    const entry: CachedToken = {
      record,
      expiresAtMs: record.expires_at === null ? null : Date.parse(record.expires_at),
      loadedAtMs: now,
      accepted: {
        ok: true, publicId,
        token: { tokenId: record.token_id, accountId: record.account_id, idpId: record.idp_id, idpProtocol: record.protocol },
      },
      touchedAtMs: this.#cache.get(publicId)?.touchedAtMs,
    };
    if (generation === this.#generation) {
      if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(publicId, entry);
    }
    return entry;
  }

  #touch(entry: CachedToken, now: number): void {
    if (entry.touchedAtMs !== undefined && now - entry.touchedAtMs < LAST_USED_INTERVAL_MS) return;
    entry.touchedAtMs = now;
    this.records.touch(entry.record.token_id, new Date(now).toISOString()).catch(() => { entry.touchedAtMs = undefined; });
  }
}
