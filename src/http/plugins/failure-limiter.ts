/**
 * Counts failed authentications per client IP in a fixed one-minute window. Past the limit every request from
 * that IP is answered 429 with Retry-After until the window ends, before any key is looked at.
 */
export class FailureLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}

  /** Seconds until the IP may try again, or 0 when it is not blocked. */
  retryAfter(ip: string, now = Date.now()): number {
    const w = this.#windows.get(ip);
    if (!w || now - w.start >= this.windowMs || w.count < this.limit) return 0;
    return Math.ceil((w.start + this.windowMs - now) / 1000);
  }

  fail(ip: string, now = Date.now()): void {
    const w = this.#windows.get(ip);
    if (!w || now - w.start >= this.windowMs) {
      if (this.#windows.size > 100_000) this.#windows.clear();
      this.#windows.set(ip, { start: now, count: 1 });
    } else {
      w.count++;
    }
  }
}
