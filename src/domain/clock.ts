/**
 * Where the server takes the time from. One clock per process, held in the AppContext, so that tests of lockout
 * windows, backoff and idle timeouts move time forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, as Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time as an ISO-8601 timestamp, the form every `*_at` column stores. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
