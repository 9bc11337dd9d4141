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
    authFailureLimit: Number(env.AX_AUTH_FAILURE_LIMIT ?? 30),
    keyPepper: env.AX_KEY_PEPPER || undefined,
    tokenKey: env.AX_TOKEN_KEY || undefined,
    sessionIdleTimeoutMs: Number(env.AX_SESSION_IDLE_TIMEOUT ?? 30) * 60_000,
    passwordCheckConcurrency: Number(env.AX_PASSWORD_CHECKS ?? 4),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`AX_PORT must be a port number, got ${text}`);
  return port;
}
