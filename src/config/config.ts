import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Base URL that mailed links point at (`<publicUrl>/invite/<token>`). */
  publicUrl: string;
  /** No AX_PUBLIC_URL: publicUrl is the listen URL, completed with the bound port once listening (port 0). */
  publicUrlIsListenUrl: boolean;
  adminEmail: string;
  adminApiKey: string | undefined;
  adminPassword: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Whole request (headers and body) must arrive within this (AX_REQUEST_TIMEOUT_MS); 408 and close otherwise. */
  requestTimeoutMs: number;
  /** Headers must arrive within this (AX_HEADERS_TIMEOUT_MS; at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** A socket silent this long is closed (AX_CONNECTION_TIMEOUT_MS). */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (AX_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /**
   * PostgreSQL: a request waits at most this long for a database connection, a new one or a free one of the pool
   * (AX_DATABASE_CONNECT_TIMEOUT_MS); then it is answered 503.
   */
  databaseConnectTimeoutMs: number;
  /**
   * PostgreSQL: a statement unanswered this long ends its connection and its request is answered 503
   * (AX_DATABASE_QUERY_TIMEOUT_MS); it also bounds the listening connection's heartbeat.
   */
  databaseQueryTimeoutMs: number;
  /** Failed API-key authentications from one address before its failures are answered 429 (with backoff). */
  authFailureLimit: number;
  /** AX_TRUST_PROXY: believe X-Forwarded-For / -Proto / -Host (only behind a proxy that always overwrites them). */
  trustProxy: boolean;
  /** AX_KEY_PEPPER / AX_TOKEN_KEY (hex, 32 bytes): the HMAC keys, when not kept in files of the data dir. */
  keyPepper: string | undefined;
  tokenKey: string | undefined;
  /** AX_AUDIT_SIGNING_KEY (hex, 32 bytes): the Ed25519 seed that signs audit checkpoints, when not kept in the data dir. */
  auditSigningKey: string | undefined;
  /** AX_AUDIT_CHECKPOINT_INTERVAL (minutes): how often each grown audit chain is signed. */
  auditCheckpointIntervalMs: number;
  /**
   * AX_AUDIT_RETENTION_DAYS: audit entries older than this are archived to JSONL files with their chain proof, then
   * removed from the database; unset: kept for ever.
   */
  auditRetentionMs: number | undefined;
  /** AX_AUDIT_ARCHIVE_DIR (default `<data dir>/audit-archive`): where archived audit entries are written. */
  auditArchiveDir: string;
  /** AX_AUTH_FAILURE_RETENTION_DAYS (default 90): failed authentications older than this are deleted. */
  authFailureRetentionMs: number;
  /**
   * AX_AUDIT_WEBHOOK_URL and AX_AUDIT_WEBHOOK_SECRET: every audit entry is posted there as it commits, signed with an
   * HMAC of the secret (docs/audit.md); undefined: no streaming.
   */
  auditWebhook: { url: string; secret: string } | undefined;
  /** AX_AUDIT_FILE: every audit entry is appended there as a JSON line as it commits (docs/audit.md); undefined: not. */
  auditFile: string | undefined;
  /** AX_AUDIT_SYSLOG (`udp://host:port` or `tcp://host:port`): every audit entry is sent there as RFC 5424 syslog. */
  auditSyslog: { protocol: 'udp' | 'tcp'; host: string; port: number } | undefined;
  /**
   * AX_SECRET_SCANNING_KEYS: a JSON file in the format of GitHub's https://api.github.com/meta/public_keys/secret_scanning
   * (`{"public_keys": [{"key_identifier", "key": PEM}]}`): the keys whose signed reports revoke leaked API keys.
   */
  secretScanningKeys: readonly { id: string; key: KeyObject }[];
  /** A console session unused for this long ends (AX_SESSION_IDLE_TIMEOUT, minutes). */
  sessionIdleTimeoutMs: number;
  /** Password hashes running at once in a process before sign-ins are answered 503 (AX_PASSWORD_CHECKS). */
  passwordCheckConcurrency: number;
  /**
   * AX_PASSWORD_HASH_N: scrypt's cost for new password hashes (a power of two, 1024 to 32768; default 16384, with r=8
   * about 50 ms of CPU each). Hashes keep the cost they were made with, and verify at it.
   */
  passwordHashN: number;
  /** AX_SSO_VALIDATED_DOMAINS: email domains that count as validated whoever configures them (lower-case). */
  ssoValidatedDomains: readonly string[];
  /**
   * AX_SSO_ALLOWED_PRIVATE_HOSTS: hosts or CIDRs that SSO metadata, discovery, JWKS, token and userinfo URLs may
   * resolve to although private or loopback (these may also use http); `*` allows all.
   */
  ssoAllowedPrivateHosts: readonly string[];
  /** AX_SECRETS_KEY (32 bytes, base64): encrypts OIDC client secrets; without it a key kept in the database is used. */
  secretsKey: Buffer | undefined;
  /** AX_GRAPHIQL=true: mercurius's GraphiQL explorer at /graphiql (off by default). */
  graphiql: boolean;
  /** AX_GRAPHQL_INTROSPECTION=false: /graphql refuses `__schema` and `__type` (on by default). */
  graphqlIntrospection: boolean;
  /** Test-only (AX_TEST_CLOCK=1, loopback listen address only): the clock can be moved by POST /__test/clock. */
  testClock: boolean;
  /** AX_METRICS_TOKEN: `GET /metrics` on the API port answers scrapers presenting it as a bearer token. */
  metricsToken: string | undefined;
  /** AX_METRICS_PORT: `/metrics` on a listener of its own (on AX_METRICS_HOST) instead of the API port. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** AX_LOG_FORMAT: `json`, `pretty` (readable lines), or `auto`: pretty when stdout is a terminal. */
  logFormat: 'json' | 'pretty' | 'auto';
  /** AX_LOG_HEALTH_CHECKS=false: requests to /healthz and /readyz are not logged. */
  logHealthChecks: boolean;
  /** AX_LOG_SAMPLE_RATE (0..1, default 1): the share of successful requests (status < 400) logged; errors always are. */
  logSampleRate: number;
  /**
   * Where OpenTelemetry traces go (OTLP/HTTP): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT
   * + `/v1/traces` (the OpenTelemetry variables); tracing is off without either.
   */
  tracesEndpoint: string | undefined;
  /** AX_AUTO_MIGRATE=false: a pending migration stops the start instead of being applied (multi-process rollouts). */
  autoMigrate: boolean;
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  autoMigrate?: boolean | undefined;
}

/** The server stops at start with this when a setting is wrong; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Flags win over the environment, the environment over defaults (spec README "Start-up and bootstrap"). Every
 * variable the server reads is read and checked here, once: a wrong value throws a ConfigError naming it.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const read = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const host = overrides.host ?? read('AX_HOST') ?? '127.0.0.1';
  const port = overrides.port ?? parsePort(read('AX_PORT') ?? '8080');
  const publicUrl = read('AX_PUBLIC_URL');
  return {
    host,
    port,
    dataDir: resolve(overrides.dataDir ?? read('AX_DATA_DIR') ?? './data'),
    databaseUrl: overrides.databaseUrl ?? postgresUrl(read('DATABASE_URL')),
    publicUrl: (publicUrl === undefined ? listenUrl(host, port) : httpUrl('AX_PUBLIC_URL', publicUrl)).replace(/\/+$/, ''),
    publicUrlIsListenUrl: publicUrl === undefined,
    adminEmail: email('AX_ADMIN_EMAIL', read('AX_ADMIN_EMAIL') ?? 'admin@localhost'),
    adminApiKey: read('AX_ADMIN_API_KEY'),
    adminPassword: read('AX_ADMIN_PASSWORD'),
    smtpUrl: read('AX_SMTP_URL'),
    mailFrom: read('AX_MAIL_FROM') ?? 'ax <no-reply@localhost>',
    logLevel: oneOf('AX_LOG_LEVEL', read('AX_LOG_LEVEL') ?? 'info', LOG_LEVELS),
    bodyLimit: 1024 * 1024,
    requestTimeoutMs: positiveInteger(env, 'AX_REQUEST_TIMEOUT_MS', 30_000, 'milliseconds', TIMER_MAX_MS),
    headersTimeoutMs: positiveInteger(env, 'AX_HEADERS_TIMEOUT_MS', 10_000, 'milliseconds', TIMER_MAX_MS),
    connectionTimeoutMs: positiveInteger(env, 'AX_CONNECTION_TIMEOUT_MS', 60_000, 'milliseconds', TIMER_MAX_MS),
    keepAliveTimeoutMs: positiveInteger(env, 'AX_KEEP_ALIVE_TIMEOUT_MS', 72_000, 'milliseconds', TIMER_MAX_MS),
    databaseConnectTimeoutMs: positiveInteger(env, 'AX_DATABASE_CONNECT_TIMEOUT_MS', 10_000, 'milliseconds', TIMER_MAX_MS),
    databaseQueryTimeoutMs: positiveInteger(env, 'AX_DATABASE_QUERY_TIMEOUT_MS', 30_000, 'milliseconds', TIMER_MAX_MS),
    authFailureLimit: positiveInteger(env, 'AX_AUTH_FAILURE_LIMIT', 30, 'failures'),
    trustProxy: boolean('AX_TRUST_PROXY', read('AX_TRUST_PROXY') ?? 'false'),
    keyPepper: read('AX_KEY_PEPPER'),
    tokenKey: read('AX_TOKEN_KEY'),
    auditSigningKey: read('AX_AUDIT_SIGNING_KEY'),
    auditCheckpointIntervalMs: positiveInteger(env, 'AX_AUDIT_CHECKPOINT_INTERVAL', 10, 'minutes', Math.floor(TIMER_MAX_MS / 60_000)) * 60_000,
    auditRetentionMs: read('AX_AUDIT_RETENTION_DAYS') === undefined ? undefined : positiveInteger(env, 'AX_AUDIT_RETENTION_DAYS', 1, 'days', MAX_RETENTION_DAYS) * 86_400_000,
    auditArchiveDir: resolve(read('AX_AUDIT_ARCHIVE_DIR') ?? join(overrides.dataDir ?? read('AX_DATA_DIR') ?? './data', 'audit-archive')),
    authFailureRetentionMs: positiveInteger(env, 'AX_AUTH_FAILURE_RETENTION_DAYS', 90, 'days', MAX_RETENTION_DAYS) * 86_400_000,
    secretScanningKeys: secretScanningKeys(read('AX_SECRET_SCANNING_KEYS')),
    auditWebhook: auditWebhook(read('AX_AUDIT_WEBHOOK_URL'), read('AX_AUDIT_WEBHOOK_SECRET')),
    auditFile: read('AX_AUDIT_FILE') === undefined ? undefined : resolve(read('AX_AUDIT_FILE')!),
    auditSyslog: auditSyslog(read('AX_AUDIT_SYSLOG')),
    sessionIdleTimeoutMs: positiveInteger(env, 'AX_SESSION_IDLE_TIMEOUT', 30, 'minutes') * 60_000,
    passwordCheckConcurrency: positiveInteger(env, 'AX_PASSWORD_CHECKS', 4, 'password checks'),
    passwordHashN: passwordHashN(read('AX_PASSWORD_HASH_N')),
    ssoValidatedDomains: list(read('AX_SSO_VALIDATED_DOMAINS')).map((d) => domain('AX_SSO_VALIDATED_DOMAINS', d)),
    ssoAllowedPrivateHosts: list(read('AX_SSO_ALLOWED_PRIVATE_HOSTS')),
    secretsKey: secretsKey(read('AX_SECRETS_KEY')),
    graphiql: boolean('AX_GRAPHIQL', read('AX_GRAPHIQL') ?? 'false'),
    graphqlIntrospection: boolean('AX_GRAPHQL_INTROSPECTION', read('AX_GRAPHQL_INTROSPECTION') ?? 'true'),
    testClock: testClock(read('AX_TEST_CLOCK'), host),
    metricsToken: metricsToken(read('AX_METRICS_TOKEN')),
    metricsPort: read('AX_METRICS_PORT') === undefined ? undefined : parsePort(read('AX_METRICS_PORT')!, 'AX_METRICS_PORT'),
    metricsHost: read('AX_METRICS_HOST') ?? '127.0.0.1',
    logFormat: oneOf('AX_LOG_FORMAT', read('AX_LOG_FORMAT') ?? 'auto', ['auto', 'json', 'pretty'] as const),
    logHealthChecks: boolean('AX_LOG_HEALTH_CHECKS', read('AX_LOG_HEALTH_CHECKS') ?? 'true'),
    logSampleRate: fraction('AX_LOG_SAMPLE_RATE', read('AX_LOG_SAMPLE_RATE') ?? '1'),
    tracesEndpoint: tracesEndpoint(read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), read('OTEL_EXPORTER_OTLP_ENDPOINT')),
    autoMigrate: overrides.autoMigrate ?? boolean('AX_AUTO_MIGRATE', read('AX_AUTO_MIGRATE') ?? 'true'),
  };
}

function tracesEndpoint(traces: string | undefined, base: string | undefined): string | undefined {
  if (traces !== undefined) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces);
  return base === undefined ? undefined : `${httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base).replace(/\/+$/, '')}/v1/traces`;
}

function metricsToken(text: string | undefined): string | undefined {
  // The value is a secret: never repeated.
  if (text !== undefined && (text.length < 16 || /\s/.test(text))) throw new ConfigError('AX_METRICS_TOKEN must be at least 16 characters without white space (e.g. `openssl rand -hex 24`)');
  return text;
}

/** AX_AUDIT_WEBHOOK_URL with its AX_AUDIT_WEBHOOK_SECRET (at least 16 characters): both or neither. */
function auditWebhook(url: string | undefined, secret: string | undefined): { url: string; secret: string } | undefined {
  if (url === undefined && secret === undefined) return undefined;
  if (url === undefined) throw new ConfigError('AX_AUDIT_WEBHOOK_SECRET is set without AX_AUDIT_WEBHOOK_URL');
  // The secret is never repeated.
  if (secret === undefined || secret.length < 16) throw new ConfigError('AX_AUDIT_WEBHOOK_URL needs AX_AUDIT_WEBHOOK_SECRET of at least 16 characters (e.g. `openssl rand -hex 32`)');
  return { url: httpUrl('AX_AUDIT_WEBHOOK_URL', url), secret };
}

/** AX_AUDIT_SYSLOG: `udp://host:port` or `tcp://host:port` (port 514 when left out). */
function auditSyslog(text: string | undefined): { protocol: 'udp' | 'tcp'; host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try { url = new URL(text); } catch { url = undefined; }
  if (!url || (url.protocol !== 'udp:' && url.protocol !== 'tcp:') || url.hostname === '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new ConfigError(`AX_AUDIT_SYSLOG must be udp://host:port or tcp://host:port, got ${JSON.stringify(text)}`);
  }
  return { protocol: url.protocol === 'udp:' ? 'udp' : 'tcp', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 514 : Number(url.port) };
}

/** The public keys of AX_SECRET_SCANNING_KEYS (see Config); none when unset, which turns the endpoint off. */
function secretScanningKeys(file: string | undefined): { id: string; key: KeyObject }[] {
  if (file === undefined) return [];
  const fail = (why: string) => new ConfigError(`AX_SECRET_SCANNING_KEYS must name a JSON file like GitHub's /meta/public_keys/secret_scanning: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = (parsed as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list) || list.length === 0) throw fail(`${file} has no "public_keys" list`);
  return list.map((entry: { key_identifier?: unknown; key?: unknown }, i) => {
    if (typeof entry?.key_identifier !== 'string' || typeof entry.key !== 'string') throw fail(`public_keys[${i}] needs "key_identifier" and "key" strings`);
    try {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyType !== 'ec') throw new Error(`an ${key.asymmetricKeyType} key, not ECDSA`);
      return { id: entry.key_identifier, key };
    } catch (error) {
      throw fail(`public_keys[${i}].key: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/**
 * Only the test harness sets AX_TEST_CLOCK, for servers it spawns. A server that anything off this machine can
 * reach refuses to start with it, so a movable clock (expiries, lockouts) can never be switched on in production.
 */
function testClock(text: string | undefined, host: string): boolean {
  if (text === undefined) return false;
  if (text !== '1') throw new ConfigError(`AX_TEST_CLOCK is for the test harness only and must be 1 when set, got ${JSON.stringify(text)}`);
  if (!/^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/.test(host)) {
    throw new ConfigError(`AX_TEST_CLOCK is for the test harness only: it needs a loopback listen address, not ${JSON.stringify(host)}`);
  }
  return true;
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function domain(name: string, text: string): string {
  const lower = text.toLowerCase();
  if (!/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(lower)) {
    throw new ConfigError(`${name} must list email domains (e.g. example.com), got ${JSON.stringify(text)}`);
  }
  return lower;
}

function secretsKey(text: string | undefined): Buffer | undefined {
  if (text === undefined) return undefined;
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    // The value is a secret: never repeated.
    throw new ConfigError('AX_SECRETS_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

/**
 * The longest delay a Node.js timer (and PostgreSQL's statement_timeout) holds: 2^31 − 1 ms, about 24.8 days. A
 * longer one is not refused by Node: it warns (TimeoutOverflowWarning) and fires after 1 ms.
 */
const TIMER_MAX_MS = 2_147_483_647;

/**
 * The longest retention in days: 100 years. Far longer ones put the cutoff outside what a Date holds, and each
 * archive or prune then failed on an invalid date (`POST /v2/audit-logs/archive` answered 500).
 */
const MAX_RETENTION_DAYS = 36_500;

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string, max = Number.MAX_SAFE_INTEGER): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a positive whole number of ${unit}` : `a whole number of ${unit} from 1 to ${max}`;
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Below 1024 a guess costs too little; above 32768 scrypt (r=8) needs more than the 64 MiB it is allowed. */
function passwordHashN(text: string | undefined): number {
  if (text === undefined || text === '') return 16384;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1024 || n > 32768 || (n & (n - 1)) !== 0) {
    throw new ConfigError(`AX_PASSWORD_HASH_N must be a power of two from 1024 to 32768 (scrypt's cost; default 16384), got ${JSON.stringify(text)}`);
  }
  return n;
}

function parsePort(text: string, name = 'AX_PORT'): number {
  const port = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || port > 65535) throw new ConfigError(`${name} must be a port number (0-65535), got ${JSON.stringify(text)}`);
  return port;
}

function listenUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function httpUrl(name: string, text: string): string {
  let url: URL | undefined;
  try { url = new URL(text); } catch { url = undefined; }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ConfigError(`${name} must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
  return text;
}

function postgresUrl(text: string | undefined): string | undefined {
  if (text !== undefined && !/^postgres(?:ql)?:\/\//i.test(text)) {
    // Only the scheme is repeated: the rest may hold a password.
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL (got ${text.split(':')[0]}:…)`);
  }
  return text;
}

function email(name: string, text: string): string {
  if (!/^[^@\s]+@[^@\s]+$/.test(text)) throw new ConfigError(`${name} must be an email address, got ${JSON.stringify(text)}`);
  return text;
}

function oneOf<T extends string>(name: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

function fraction(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new ConfigError(`${name} must be a number from 0 to 1 (e.g. 0.1 logs one successful request in ten), got ${JSON.stringify(text)}`);
  return value;
}

function boolean(name: string, text: string): boolean {
  if (text !== 'true' && text !== 'false') throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(text)}`);
  return text === 'true';
}
