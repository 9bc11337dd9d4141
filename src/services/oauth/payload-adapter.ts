import type { Adapter, AdapterPayload } from 'oidc-provider';
import { digestToken } from '../../auth/token-digest.js';
import type { Clock } from '../../domain/clock.js';
import { parseId } from '../../domain/ids.js';
import { OAuthPayloadRecords } from '../../store/oauth-payloads.js';
import type { Store } from '../../store/database.js';

/**
 * Whose login each grant just revoked was. The library announces a revocation (`grant.revoked`, which is audited)
 * only after the adapter has deleted every row of the grant, and for a reused code it has not yet loaded the code
 * either, so the adapter notes the user as it deletes and the audit takes it (once) when the event comes.
 */
export class RevokedGrantOwners {
  readonly #owners = new Map<string, number>();

  remember(grantId: string, userId: number): void {
    this.#owners.set(grantId, userId);
  }

  take(grantId: string): number | undefined {
    const userId = this.#owners.get(grantId);
    this.#owners.delete(grantId);
    return userId;
  }
}

/**
 * oidc-provider's storage, in this project's database instead of the library's per-process memory, so every
 * process sees every login and a revoked grant is refused everywhere at once (identity.md §6.8, §8).
 *
 * A token, code or session id is its own bearer secret: rows are keyed by its HMAC digest, and the payload is stored
 * without its `jti` (the raw id), which `find` puts back from the id it was asked for. Expiry is the row's
 * `expires_at` (absent once past it; the sweeper deletes it later).
 */
export class PayloadAdapter implements Adapter {
  readonly #records: OAuthPayloadRecords;

  constructor(
    private readonly model: string, store: Store, private readonly tokenKey: Buffer, private readonly clock: Clock,
    private readonly revokedOwners: RevokedGrantOwners,
  ) {
    this.#records = new OAuthPayloadRecords(store.db);
  }

  #digest(id: string): string {
    return digestToken(this.tokenKey, `${this.model}\n${id}`);
  }

  #now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { jti: _jti, ...stored } = payload;
    const now = this.clock.now();
    const grantId = this.model === 'Grant' ? id : payload.grantId ?? null;
    await this.#records.upsert({
      model: this.model,
      id: this.#digest(id),
      payload: JSON.stringify(stored),
      grantId,
      uid: payload.uid ?? null,
      accountId: userIdOf(payload.accountId),
      clientId: payload.clientId ?? null,
      createdAt: new Date(now).toISOString(),
      // Every model this server uses has a lifetime; a missing one would be a configuration error, kept a day.
      expiresAt: new Date(now + (expiresIn ?? 86_400) * 1000).toISOString(),
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.#records.find(this.model, this.#digest(id), this.#now());
    return row && restore(row.payload, id, row.consumed_at);
  }

  /**
   * The library looks sessions up by uid only for tokens that end with the session and for its cookie-based
   * interaction lookups; this server uses neither (tokens never end with the 10-minute session, the consent page reads
   * interactions by uid). A session could not be handed back anyway: only the digest of its id (the cookie's value) is
   * stored, and a session written back under another id would be a different row. So: none.
   */
  findByUid(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  findByUserCode(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async consume(id: string): Promise<void> {
    await this.#records.consume(this.model, this.#digest(id), this.#now());
  }

  async destroy(id: string): Promise<void> {
    await this.#records.destroy(this.model, this.#digest(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const userId = await this.#records.revokeGrant(grantId);
    if (userId !== null) this.revokedOwners.remember(grantId, userId);
  }
}

/** The library's `accountId` is the user's REST id (`User:n`); the column holds n. */
function userIdOf(accountId: string | undefined): number | null {
  if (accountId === undefined) return null;
  const parsed = parseId(accountId);
  return parsed?.type === 'User' ? parsed.n : null;
}

function restore(text: string, id: string, consumedAt: string | null): AdapterPayload {
  const payload = JSON.parse(text) as AdapterPayload;
  return {
    ...payload,
    jti: id,
    ...(consumedAt === null ? {} : { consumed: Math.floor(Date.parse(consumedAt) / 1000) }),
  };
}
