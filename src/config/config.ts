import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Base URL that mailed links point at (`<publicUrl>/invite/<token>`). */
  publicUrl: string;
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
  /** Failed API-key authentications from one address before its failures are answered 429 (with backoff). */
  authFailureLimit: number;
  /** AX_KEY_PEPPER / AX_TOKEN_KEY (hex, 32 bytes): the HMAC keys, when not kept in files of the data dir. */
  keyPepper: string | undefined;
  tokenKey: string | undefined;
  /** A console session unused for this long ends (AX_SESSION_IDLE_TIMEOUT, minutes). */
  sessionIdleTimeoutMs: number;
  /** Password hashes running at once in a process before sign-ins are answered 503 (AX_PASSWORD_CHECKS). */
  passwordCheckConcurrency: number;
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
}

/** Flags win over the environment, the environment over defaults (spec README "Start-up and bootstrap"). */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const host = overrides.host ?? env.AX_HOST ?? '127.0.0.1';
  const port = overrides.port ?? parsePort(env.AX_PORT ?? '8080');
  return {
    host,
    port,
    dataDir: resolve(overrides.dataDir ?? env.AX_DATA_DIR ?? './data'),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    publicUrl: (env.AX_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, ''),
    adminEmail: env.AX_ADMIN_EMAIL ?? 'admin@localhost',
    adminApiKey: env.AX_ADMIN_API_KEY || undefined,
    adminPassword: env.AX_ADMIN_PASSWORD || undefined,
    smtpUrl: env.AX_SMTP_URL || undefined,
    mailFrom: env.AX_MAIL_FROM ?? 'ax <no-reply@localhost>',
    logLevel: env.AX_LOG_LEVEL ?? 'info',
    bodyLimit: 1024 * 1024,
    requestTimeoutMs: positiveInteger(env, 'AX_REQUEST_TIMEOUT_MS', 30_000),
    headersTimeoutMs: positiveInteger(env, 'AX_HEADERS_TIMEOUT_MS', 10_000),
    connectionTimeoutMs: positiveInteger(env, 'AX_CONNECTION_TIMEOUT_MS', 60_000),
    keepAliveTimeoutMs: positiveInteger(env, 'AX_KEEP_ALIVE_TIMEOUT_MS', 72_000),
    authFailureLimit: Number(env.AX_AUTH_FAILURE_LIMIT ?? 30),
    keyPepper: env.AX_KEY_PEPPER || undefined,
    tokenKey: env.AX_TOKEN_KEY || undefined,
    sessionIdleTimeoutMs: Number(env.AX_SESSION_IDLE_TIMEOUT ?? 30) * 60_000,
    passwordCheckConcurrency: Number(env.AX_PASSWORD_CHECKS ?? 4),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number of milliseconds, got ${text}`);
  return value;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`AX_PORT must be a port number, got ${text}`);
  return port;
}
