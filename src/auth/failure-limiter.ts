import type { Clock } from '../domain/clock.js';

/** How failures of one key (an address, an email, a key id, a device) turn into waiting time. */
export interface BackoffPolicy {
  /** Failures answered without waiting; the one after them waits `firstDelayMs`. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

/**
 * Counts failed authentications per key with exponential backoff. It only ever learns of failures: callers
 * verify the credential first, so a valid credential never meets this limiter's answer. Bounded in memory: past
 * `maxKeys` the least recently failed key is forgotten.
 */
export class FailureLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly policy: BackoffPolicy, private readonly clock: Clock, private readonly maxKeys = 100_000) {}

  /** Seconds until the key's next failure is accepted without a 429, or 0 when it is not waiting. */
  retryAfter(key: string): number {
    const entry = this.#live(key);
    if (!entry) return 0;
    const wait = entry.blockedUntil - this.clock.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.clock.now();
    const entry = this.#live(key) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    entry.failures++;
    entry.lastFailure = now;
    // The free failures are used up by the last of them: from then on each failure doubles the wait.
    const past = entry.failures - this.policy.freeFailures;
    if (past >= 0) {
      entry.blockedUntil = now + Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** Math.min(past, 30));
    }
    // Re-inserting keeps the map in order of last failure, so the oldest entry is the first one.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** The credential of this key was proven (the right password, the right secret): its count starts over. */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && this.clock.now() - entry.lastFailure >= Math.max(this.policy.forgetAfterMs, entry.blockedUntil - entry.lastFailure)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
