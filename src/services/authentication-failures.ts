import { createHash } from 'node:crypto';
import type { ServiceDeps } from './service-deps.js';
import { AUTHENTICATION_FAILURE_WINDOW_MS } from '../domain/authentication-failure-window.js';
import { telemetry } from '../domain/telemetry.js';
import { countAuthenticationFailure } from '../store/authentication-failures.js';


export interface AuthenticationFailure {
  /** The account the credential pointed at, when known. */
  accountId: number | null;
  /** The user whose credential was tried, when known. */
  userId?: number | null;
  ip: string;
  /** Why it failed, e.g. `wrong password`, `unknown`, `revoked` (never the credential itself). */
  reason: string;
  /** `METHOD /route/pattern`. */
  operation: string;
}

/**
 * Records failed authentications, outside any transaction: one row per account, user, address, reason and operation
 * in a 10-minute window, whose count goes up (an update, not an insert) while the same failure repeats.
 */
export async function recordAuthenticationFailures(ctx: ServiceDeps, failures: AuthenticationFailure[]): Promise<void> {
  const now = ctx.clock.now();
  const window = Math.floor(now / AUTHENTICATION_FAILURE_WINDOW_MS);
  const at = new Date(now).toISOString();
  for (const f of failures) {
    if (telemetry.authFailure.hasSubscribers) telemetry.authFailure.publish({ reason: f.reason });
    const userId = f.userId ?? null;
    const bucket = createHash('sha256').update(JSON.stringify([window, f.accountId, userId, f.ip, f.reason, f.operation])).digest('base64url');
    await countAuthenticationFailure(ctx.store.db, { bucket, accountId: f.accountId, userId, ip: f.ip, reason: f.reason, operation: f.operation, at });
  }
}
