import type { Clock } from '../domain/clock.js';
import { type BackoffPolicy, FailureLimiter } from './failure-limiter.js';
import { PasswordCheckGate } from './password-check-gate.js';

const MINUTE = 60_000;

export interface AuthLimitSettings {
  /** Failed API-key authentications per address before 429 (AX_AUTH_FAILURE_LIMIT). */
  authFailureLimit: number;
  /** Password hashes at once (AX_PASSWORD_CHECKS). */
  passwordCheckConcurrency: number;
}

/**
 * The process's limits on failed authentication, each counted on its own key so that no single one locks a
 * person out: API keys per address and per presented key id; sign-ins per address (whatever the email), per
 * email (whatever the address) and per device that signed in before; and the bound on password hashes at once.
 */
export class AuthLimits {
  /** Failed API-key (and session cookie) authentications per client address. */
  readonly keyAddresses: FailureLimiter;
  /** Failed authentications per public key id (a well-formed key with the wrong secret, revoked, expired). */
  readonly keyIds: FailureLimiter;
  /** Failed password checks per address, whatever the email: bounds what one address buys of scrypt time. */
  readonly signInAddresses: FailureLimiter;
  /** Failed password checks per email, whatever the address: past it a wrong password is 429 (the right one still passes). */
  readonly signInEmails: FailureLimiter;
  /** Failed password checks per device cookie: a known device skips the address limit but keeps a limit of its own. */
  readonly signInDevices: FailureLimiter;
  readonly passwordChecks: PasswordCheckGate;

  constructor(config: AuthLimitSettings, clock: Clock) {
    const policy = (freeFailures: number, maxDelayMs: number): BackoffPolicy =>
      ({ freeFailures, firstDelayMs: 1000, maxDelayMs, forgetAfterMs: Math.max(15 * MINUTE, maxDelayMs) });
    this.keyAddresses = new FailureLimiter(policy(config.authFailureLimit, 5 * MINUTE), clock);
    this.keyIds = new FailureLimiter(policy(10, 5 * MINUTE), clock);
    this.signInAddresses = new FailureLimiter(policy(20, 5 * MINUTE), clock);
    this.signInEmails = new FailureLimiter(policy(5, 15 * MINUTE), clock);
    this.signInDevices = new FailureLimiter(policy(10, 15 * MINUTE), clock);
    this.passwordChecks = new PasswordCheckGate(config.passwordCheckConcurrency);
  }
}
