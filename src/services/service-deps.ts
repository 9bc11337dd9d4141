import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuthLimits } from '../auth/auth-limits.js';
import type { Clock } from '../domain/clock.js';
import type { KeyVerifier } from '../keys/key-verifier.js';
import type { Mailer } from '../mail/mailer.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { Store } from '../store/database.js';
import type { ServerSecrets } from '../store/server-settings.js';
import type { AccessCache } from './access-cache.js';
import type { KeyGraceUsage } from './key-grace-usage.js';
import type { ResourceRowCache } from './resource-row-cache.js';
import type { ScimTokenVerifier } from './scim/scim-token-verifier.js';

/** The settings the use cases decide by (the process's configuration has them, among others). */
export interface ServiceSettings {
  /** Base URL that mailed links point at (`<publicUrl>/invite/<token>`). */
  readonly publicUrl: string;
  /** A console session unused for this long ends. */
  readonly sessionIdleTimeoutMs: number;
  /** AX_PASSWORD_HASH_N: scrypt's cost N for new password hashes (a hash verifies at the cost it was made with). */
  readonly passwordHashN: number;
  /** Email domains validated by the operator (AX_SSO_VALIDATED_DOMAINS), lower-case. */
  readonly ssoValidatedDomains: readonly string[];
  /** Hosts or CIDRs SSO URLs may resolve to although private (AX_SSO_ALLOWED_PRIVATE_HOSTS; `*`: all). */
  readonly ssoAllowedPrivateHosts: readonly string[];
  /** AX_SECRETS_KEY: the key that encrypts OIDC client secrets, when the operator gives one. */
  readonly secretsKey: Buffer | undefined;
  /** AX_SECRET_SCANNING_KEYS: the ECDSA public keys that sign secret scanners' reports, by identifier (none: off). */
  readonly secretScanningKeys: readonly { id: string; key: KeyObject }[];
  /** AX_AUDIT_RETENTION_DAYS (as ms; undefined: keep for ever) and AX_AUDIT_ARCHIVE_DIR. */
  readonly auditRetentionMs: number | undefined;
  readonly auditArchiveDir: string;
  /** AX_AUTH_FAILURE_RETENTION_DAYS, as ms: how long failed authentications are kept. */
  readonly authFailureRetentionMs: number;
  /** AX_AUDIT_WEBHOOK_URL / AX_AUDIT_WEBHOOK_SECRET: where audit entries are streamed (undefined: nowhere). */
  readonly auditWebhook: { url: string; secret: string } | undefined;
  /** AX_AUDIT_FILE and AX_AUDIT_SYSLOG: the other audit sinks (undefined: not used). */
  readonly auditFile: string | undefined;
  readonly auditSyslog: { protocol: 'udp' | 'tcp'; host: string; port: number } | undefined;
}

/**
 * What the services use, and nothing else: the composition root (src/server/context.ts) builds it once per
 * process. Services never see how it was assembled (the configuration loader, the HTTP server).
 */
export interface ServiceDeps {
  config: ServiceSettings;
  log: Logger;
  store: Store;
  secrets: ServerSecrets;
  keys: KeyVerifier;
  /** Directories' SCIM tokens, verified and cached like API keys. */
  scimTokens: ScimTokenVerifier;
  access: AccessCache;
  /** Organization, space and project rows read by id, dropped with each change to their account. */
  rows: ResourceRowCache;
  mailer: Mailer;
  changes: ChangeFeed;
  /** The time, for everything that measures it (tests replace it with a clock they move). */
  clock: Clock;
  /** Failed-authentication limits and the bound on password hashes at once. */
  authLimits: AuthLimits;
  /** Uses of refreshed keys during their grace period, counted in memory and flushed each second. */
  graceUsage: KeyGraceUsage;
  /**
   * When this server last fetched a SAML provider's metadata again after a signature failure (clock ms, by the
   * provider's row id): once a minute at most. This server's own, as provider row ids repeat across databases.
   */
  samlFailureRefetches: Map<number, number>;
}
