import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { encodeId } from '../../src/domain/ids.js';
import { digestKey, generateKey } from '../../src/keys/index.js';
import { openStore } from '../../src/store/database.js';
import { createTestDatabase } from './database.js';
import { ADMIN_PASSWORD, REPO_ROOT } from './server.js';

export interface ServerProcess {
  url: string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash: no shutdown code runs), then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Spawns test/helpers/serve-process.ts (the server from source, in its own process) with `env` on top of this
 * process's environment, and resolves once it prints its URL. Several of them on one PostgreSQL database make
 * a multi-process deployment.
 */
export async function spawnServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const launched = launch(['--import', 'tsx', join(REPO_ROOT, 'test/helpers/serve-process.ts')], env);
  return controls(launched.child, await launched.printed('url'));
}

/**
 * Spawns the built server (test/helpers/serve-built-process.mjs, dist/: the product as deployed) with `env` on top
 * of this process's environment, and resolves once it prints its URL. The server from source (spawnServerProcess)
 * has tsx compile src/ in the new process first: 5–8 s of CPU a start on 2 cores against ~3 s for the build's.
 */
export async function spawnBuiltServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  assertBuilt();
  const launched = launch([join(REPO_ROOT, 'test/helpers/serve-built-process.mjs')], env, 'pipe');
  try {
    await launched.printed('loaded');
    const url = launched.printed('url');
    launched.child.stdin!.write('start\n');
    return controls(launched.child, await url);
  } catch (error) {
    await controls(launched.child, '').kill();
    throw error;
  }
}

/** A server process on its way up: `printed(key)` resolves with `key`'s value in the first JSON line that has it. */
interface Launched {
  child: ChildProcess;
  printed(key: 'loaded' | 'url'): Promise<string>;
}

function launch(args: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore' = 'ignore'): Launched {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT, env: { ...process.env, AX_LOG_LEVEL: 'warn', ...env }, stdio: [stdin, 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const lines = createInterface({ input: child.stdout! });
  const printed = (key: 'loaded' | 'url') => new Promise<string>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
    };
    const onLine = (line: string) => {
      try {
        const value = (JSON.parse(line) as Record<string, unknown>)[key];
        if (value !== undefined) {
          done();
          resolve(String(value));
        }
      } catch { /* a log line */ }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`server process exited with ${code}: ${stderr.join('')}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`server process did not print ${key}: ${stderr.join('')}`));
    }, 30_000);
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
  return { child, printed };
}

function controls(child: ChildProcess, url: string): ServerProcess {
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
    kill: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
  };
}

/**
 * The arguments that run the built `ax serve` on an ephemeral loopback port (`node <args>`), for a test that reads
 * the process's own log: it prints the JSON line `ax server ready` with the URL. The built product, not the source
 * through tsx, which compiles src/ in the new process first (5–8 s of CPU a start on 2 cores).
 */
export function builtServeArgs(): string[] {
  assertBuilt();
  return [join(REPO_ROOT, 'bin/ax.js'), 'serve', '--host', '127.0.0.1', '--port', '0'];
}

/** Whether dist/ was built from the current sources (scripts/build.js --check), asked once per worker process. */
let built: boolean | undefined;

function assertBuilt(): void {
  built ??= spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build.js'), '--check'], { stdio: 'ignore' }).status === 0;
  if (!built) throw new Error('the multi-process tests run the built server: dist/ is missing or older than src/, run `npm run build`');
}

/** A JSON answer of one process: its status and parsed body (undefined when empty). */
export interface ProcessAnswer { status: number; body: Record<string, unknown> | undefined }

/** Calls `path` on the process at `url` with the bearer `key` (a pair's admin key, a user's key), a JSON body if given. */
export async function callProcess(url: string, key: string, method: string, path: string, body?: unknown): Promise<ProcessAnswer> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : undefined };
}

/** The process's access snapshot rebuilds so far, from its /metrics (a test server's metrics need no token). */
export async function snapshotBuildsOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^ax_access_snapshot_build_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Two server processes on one fresh PostgreSQL schema, as a scaled-out deployment runs them. */
export interface ProcessPair {
  a: ServerProcess;
  b: ServerProcess;
  /**
   * A MEMBER of account 1 with a USER key (and `extraKeys` more), written straight into the shared database (no
   * sign-in round trip); answers the user's REST id and the first raw key.
   */
  insertUserWithKey(email: string, extraKeys?: number): Promise<{ id: string; key: string }>;
  stop(): Promise<void>;
}

/**
 * Starts two processes on one new test database, sharing what a deployment shares (the admin key, the key pepper
 * and token key kept outside the database, and `AX_PUBLIC_URL` when given: the URL of the load balancer in front).
 * `databaseUrlOfB` gives B another way to the same database (through a TCP proxy a test can cut).
 */
export async function startProcessPair(options: {
  adminKey: string; publicUrl?: string; env?: Record<string, string>; databaseUrlOfB?: (url: string) => string;
}): Promise<ProcessPair> {
  assertBuilt();
  const database = await createTestDatabase({ reuse: true });
  const dirs = await Promise.all([mkdtemp(join(tmpdir(), 'ax-pair-a-')), mkdtemp(join(tmpdir(), 'ax-pair-b-'))]);
  const shared = {
    DATABASE_URL: database.url!, AX_ADMIN_API_KEY: options.adminKey, AX_ADMIN_PASSWORD: ADMIN_PASSWORD, AX_AUTH_FAILURE_LIMIT: '10000', AX_PASSWORD_HASH_N: '1024',
    AX_KEY_PEPPER: randomBytes(32).toString('hex'), AX_TOKEN_KEY: randomBytes(32).toString('hex'), AX_AUDIT_SIGNING_KEY: randomBytes(32).toString('hex'),
    ...(options.publicUrl ? { AX_PUBLIC_URL: options.publicUrl } : {}), ...options.env,
  };
  const env = (dir: string, index: number) => ({
    ...shared, AX_DATA_DIR: dir, ARIZE_DIRECTORY: join(dir, 'arize'),
    ...(index === 1 && options.databaseUrlOfB ? { DATABASE_URL: options.databaseUrlOfB(database.url!) } : {}),
  });
  const stopAll = async (started: ServerProcess[]) => {
    await Promise.all(started.map((server) => server.stop()));
    await database.drop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  // Both load the built server at once; then one after the other, the first bootstrapping the empty database and the
  // second finding it bootstrapped.
  const launched = dirs.map((dir, index) => launch([join(REPO_ROOT, 'test/helpers/serve-built-process.mjs')], env(dir, index), 'pipe'));
  const started: ServerProcess[] = [];
  try {
    await Promise.all(launched.map(({ printed }) => printed('loaded')));
    for (const { child, printed } of launched) {
      const url = printed('url');
      child.stdin!.write('start\n');
      started.push(controls(child, await url));
    }
  } catch (error) {
    await stopAll(launched.map(({ child }) => controls(child, '')));
    throw error;
  }
  const [a, b] = started as [ServerProcess, ServerProcess];
  return {
    a, b,
    async insertUserWithKey(email, extraKeys = 0) {
      const store = openStore({ dataDir: dirs[0]!, databaseUrl: database.url });
      try {
        const pepper = Buffer.from(shared.AX_KEY_PEPPER, 'hex');
        const now = new Date().toISOString();
        const { id } = await store.db.insertInto('users').values({
          account_id: 1, name: email, email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: 0,
          password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
        }).returning('id').executeTakeFirstOrThrow();
        const keys = Array.from({ length: 1 + extraKeys }, generateKey);
        await store.db.insertInto('api_keys').values(keys.map((key) => ({
          account_id: 1, user_id: id, created_by_user_id: id, key_type: 'USER' as const, name: 'direct', description: null, public_id: key.publicId,
          secret_hash: digestKey(pepper, key.raw), last4: key.last4, status: 'ACTIVE' as const, expires_at: null, revoked_at: null, last_used_at: null,
          replaced_by_id: null, created_at: now,
        }))).execute();
        return { id: encodeId('User', id), key: keys[0]!.raw };
      } finally {
        await store.close();
      }
    },
    stop: () => stopAll([a, b]),
  };
}

/** Milliseconds from `since` until `credential` is first refused (401) on `GET /v2/me` at `url`; gives up after 5 s. */
export async function msUntilRefused(url: string, credential: string, since: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}/v2/me`, { headers: { authorization: `Bearer ${credential}` } });
    await res.arrayBuffer();
    const elapsed = performance.now() - since;
    if (res.status === 401) return elapsed;
    if (res.status !== 200) throw new Error(`GET /v2/me answered ${res.status} before refusing the credential`);
    if (elapsed > 5000) return elapsed;
  }
}
