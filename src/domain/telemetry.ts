import { channel } from 'node:diagnostics_channel';

/**
 * What the server tells its metrics about, as Node diagnostics channels: a layer publishes an event without knowing
 * who listens, and publishing costs one `hasSubscribers` test while nobody does (metrics off). `src/http/metrics`
 * subscribes. Channels are process-wide: two servers in one process (tests) hear each other's events.
 */
export const telemetry = {
  /** A key verification found its record cached (`hit`) or read it from the database. */
  keyCache: channel('ax:keys.cache'),
  /** An account's access snapshot was rebuilt from the database. */
  snapshotBuild: channel('ax:access.snapshot-build'),
  /** An authorization decision of the services (visibility, then permission). */
  accessCheck: channel('ax:access.check'),
  /** A failed authentication, with the reason recorded for it. */
  authFailure: channel('ax:auth.failure'),
  /** A change announced by another process arrived (PostgreSQL NOTIFY). */
  changeReceived: channel('ax:changes.received'),
  /** A mail was handed to the mailer, sent, or failed. */
  mail: channel('ax:mail'),
};

export interface KeyCacheEvent { hit: boolean }
export interface SnapshotBuildEvent { durationMs: number }
export interface AccessCheckEvent { outcome: 'allowed' | 'hidden' | 'forbidden' }
export interface AuthFailureEvent { reason: string }
/** `lagMs`: from the sender's commit-time clock reading to delivery here (clocks of different hosts may differ). */
export interface ChangeReceivedEvent { lagMs: number }
export interface MailEvent { stage: 'queued' | 'sent' | 'failed' }

/** Event objects that carry no data of their own are shared, so a publish allocates nothing. */
export const KEY_CACHE_HIT: KeyCacheEvent = Object.freeze({ hit: true });
export const KEY_CACHE_MISS: KeyCacheEvent = Object.freeze({ hit: false });
export const ACCESS_ALLOWED: AccessCheckEvent = Object.freeze({ outcome: 'allowed' });
export const ACCESS_HIDDEN: AccessCheckEvent = Object.freeze({ outcome: 'hidden' });
export const ACCESS_FORBIDDEN: AccessCheckEvent = Object.freeze({ outcome: 'forbidden' });
