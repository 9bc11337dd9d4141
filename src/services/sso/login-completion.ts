import { ApiError } from '../../domain/errors.js';
import { OAuthPayloadRecords } from '../../store/oauth-payloads.js';
import { SeenAssertionRecords } from '../../store/saml-assertions-seen.js';
import { LoginAttemptRecords } from '../../store/sso-login-attempts.js';
import { startPeriodicTask } from '../periodic-task.js';
import type { ServiceDeps } from '../service-deps.js';
import type { OpenedSession, RequestOrigin } from '../sessions.js';
import { completeSsoLogin, type VerifiedIdentity } from './complete-login.js';
import { checkFailureLimit, recordingFailures, sameBrowser } from './login-attempts.js';

export interface CompletedLogin {
  session: OpenedSession;
  returnTo: string;
}

const EXPIRED = 'this sign-in expired, was finished already or was started in another browser; start the sign-in again in this browser';

/**
 * `GET /auth/sso/complete?attempt=` (identity.md §2.2 step 4): the top-level GET after the ACS carries the `Lax`
 * `ax_sso` cookie, so the browser binding is checked here (an IdP-initiated attempt has none); the attempt is marked
 * completed by one conditional UPDATE (usable once, within its 10 minutes), then the login transaction runs and opens
 * the console session. Missing or foreign cookie, used or expired attempt → 400 SSO_LOGIN_EXPIRED, nothing created.
 */
export async function completeSamlLogin(
  ctx: ServiceDeps, origin: RequestOrigin, attemptId: string, cookie: string | undefined,
): Promise<CompletedLogin> {
  checkFailureLimit(ctx, origin.ip);
  const scope = { accountId: null as number | null };
  return recordingFailures(ctx, origin, scope, async () => {
    const records = new LoginAttemptRecords(ctx.store.db);
    const attempt = attemptId.length > 0 && attemptId.length <= 100 ? await records.findById(attemptId) : undefined;
    if (!attempt || attempt.protocol !== 'SAML' || attempt.result === null) throw new ApiError('SSO_LOGIN_EXPIRED', EXPIRED);
    const identity = JSON.parse(attempt.result) as VerifiedIdentity;
    scope.accountId = identity.accountId;
    if (attempt.browser_binding_hash !== null && !sameBrowser(attempt.browser_binding_hash, cookie)) throw new ApiError('SSO_LOGIN_EXPIRED', EXPIRED);
    if (!await records.complete(attempt.id, new Date(ctx.clock.now()).toISOString())) throw new ApiError('SSO_LOGIN_EXPIRED', EXPIRED);
    const { session } = await completeSsoLogin(ctx, identity, origin);
    return { session, returnTo: attempt.return_to };
  });
}

/**
 * The sweeper's pass (identity.md §8): login attempts, replay-guard rows and the OAuth server's state (interactions,
 * codes, tokens, logins) past their expiry go. Idempotent, so every process runs it on its own.
 */
export async function sweepExpiredLoginState(ctx: ServiceDeps): Promise<void> {
  const now = new Date(ctx.clock.now()).toISOString();
  await new LoginAttemptRecords(ctx.store.db).deleteExpired(now);
  await new SeenAssertionRecords(ctx.store.db).deleteExpired(now);
  await new OAuthPayloadRecords(ctx.store.db).deleteExpired(now);
}

/** How often each process sweeps. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/** Starts the process's sweeper; the returned function stops it. */
export function startLoginSweeper(ctx: ServiceDeps): () => void {
  return startPeriodicTask(ctx, SWEEP_INTERVAL_MS, () => sweepExpiredLoginState(ctx), 'sweeping expired SSO login state failed');
}
