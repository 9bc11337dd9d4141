import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startServer } from '../../src/server/start-server.js';
import type { Clock } from '../../src/domain/clock.js';
import { ShiftableClock } from '../../src/server/test-clock.js';
import type { AppContext } from '../../src/server/context.js';
import { createTestDatabase } from './database.js';
import { type ReceivedMail, startSmtpListener } from './smtp.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const AX_BIN = join(REPO_ROOT, 'bin/ax.js');
export const ADMIN_PASSWORD = 'seven quiet rivers under glass';

export interface TestServer {
  url: string;
  adminKey: string;
  adminPassword: string;
  dataDir: string;
  /** The ARIZE_DIRECTORY given to the server (where its bootstrap profile lands). */
  profileDir: string;
  databaseUrl: string | undefined;
  /** The in-process server's context (undefined when spawned): fixtures insert rows through it. */
  context: AppContext | undefined;
  /** Mails received so far by the test SMTP listener. */
  mails(): Promise<ReceivedMail[]>;
  /** Waits (up to 5 s) for a mail to `to`, newest first. */
  waitForMail(to: string, subject?: RegExp): Promise<ReceivedMail>;
  /**
   * Moves the server's clock forward: grace periods and expiries pass without sleeping. Needs `testClock: true`
   * (or an in-process `clock` with an `advance`).
   */
  advanceClock(ms: number): Promise<void>;
  /** A JSON request against the server: `{ status, body, headers }`. */
  api(method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** A parsed JSON answer, as JSON.parse types it: tests read what they assert on without declaring every shape. */
export type Json = ReturnType<typeof JSON.parse>;

export interface ApiResponse {
  status: number;
  body: Json;
  headers: Headers;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Run the server in this process (fast, default) or spawn the real `ax serve` binary. */
  spawn?: boolean;
  /** The in-process server's clock (e.g. a TestClock, to move time past lockouts and idle timeouts). */
  clock?: Clock;
  /**
   * A clock that runs with real time and that advanceClock() moves forward: a ShiftableClock in process, and for a
   * spawned server AX_TEST_CLOCK=1 (the test-only POST /__test/clock).
   */
  testClock?: boolean;
}

type AdvancingClock = Clock & { advance(ms: number): void };

/**
 * Starts a real server (SQLite in a temp dir, or a fresh PostgreSQL schema when AX_TEST_DB=postgres) with a real
 * SMTP listener, on an ephemeral loopback port.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ax-test-'));
  const profileDir = join(dataDir, 'arize');
  const database = await createTestDatabase({ reuse: true });
  const smtp = await startSmtpListener();
  const adminKey = `ak-test-admin-${Math.random().toString(36).slice(2)}`;
  const env: Record<string, string> = {
    AX_ADMIN_API_KEY: adminKey,
    AX_ADMIN_PASSWORD: ADMIN_PASSWORD,
    AX_SMTP_URL: smtp.url,
    AX_LOG_LEVEL: 'warn',
    // scrypt at its floor: a test run hashes a thousand passwords (a bootstrap admin per server, every sign-in), at the
    // default cost ~40 ms of CPU each. test/http/password-hash-cost.test.ts runs servers at the default.
    AX_PASSWORD_HASH_N: '1024',
    ARIZE_DIRECTORY: profileDir,
    // Always set: on SQLite runs an inherited DATABASE_URL (CI exports one) must not send the server to PostgreSQL.
    DATABASE_URL: database.url ?? '',
    ...(options.testClock && options.spawn ? { AX_TEST_CLOCK: '1' } : {}),
    ...options.env,
  };
  let url: string;
  let clock: AdvancingClock | undefined;
  let stop: () => Promise<void>;
  let context: AppContext | undefined;
  if (options.spawn) {
    const started = await spawnServer(dataDir, env);
    url = started.url;
    stop = started.stop;
  } else {
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: database.url, handleSignals: false, env: { ...process.env, ...env } });
    url = server.url;
    stop = server.close;
    context = server.context;
    if (options.clock) context.clock = options.clock;
    else if (options.testClock) context.clock = new ShiftableClock();
    if ('advance' in context.clock) clock = context.clock as AdvancingClock;
  }
  const api: TestServer['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? adminKey : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    url, adminKey, adminPassword: ADMIN_PASSWORD, dataDir, profileDir, databaseUrl: database.url, context, api,
    async advanceClock(ms) {
      if (clock) return clock.advance(ms);
      if (!options.spawn || !options.testClock) throw new Error('advanceClock() needs startTestServer({ testClock: true })');
      const res = await api('POST', '/__test/clock', { key: null, body: { advance_ms: ms } });
      if (res.status !== 200) throw new Error(`POST /__test/clock answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    mails: async () => [...smtp.mails],
    async waitForMail(to, subject) {
      for (let i = 0; i < 100; i++) {
        const mail = [...smtp.mails].reverse().find((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
        if (mail) return mail;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no mail to ${to} arrived`);
    },
    async close() {
      await stop();
      await smtp.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function spawnServer(dataDir: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...env, AX_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr.join('')}`)), 20_000);
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'ax server ready' && entry.url) {
          clearTimeout(timer);
          resolvePromise(entry.url);
        }
      } catch { /* not a log line */ }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr.join('')}`));
    });
  });
  return {
    url,
    stop: () => new Promise<void>((resolvePromise) => {
      if (child.exitCode !== null) return resolvePromise();
      child.once('exit', () => resolvePromise());
      child.kill('SIGTERM');
    }),
  };
}

/** Reads the bootstrap admin key written by the server (for tests that do not set AX_ADMIN_API_KEY). */
export async function readAdminKey(dataDir: string): Promise<string> {
  return (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
}
