import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AxClient } from '../../src/client/client.js';
import { alternate, machineInfo, type BenchRow } from '../lib/harness.js';

/**
 * B9: wall time of the real `ax` binary (built code: bin/ax.js → dist/cli) beside `node -e 0`, interleaved in one
 * loop (peer, then each subject, round after round), one warm-up round discarded, median of 21 rounds.
 */
const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 21);
const AX_BIN = fileURLToPath(new URL('../../bin/ax.js', import.meta.url));
/** Enough users that `users list` prints a full default page (50 rows). */
const USERS = 60;

const SUBJECTS = [
  { key: 'version', args: ['--version'], target: 1.3 },
  { key: 'help', args: ['--help'], target: 1.4 },
  { key: 'list', args: ['users', 'list'], target: 1.8 },
  { key: 'listJson', args: ['users', 'list', '-o', 'json'], target: 1.7 },
] as const;

/**
 * Runs B9 against `serverUrl` with `apiKey`; without them it starts its own `ax serve` (temp SQLite, 60 users) and
 * stops it afterwards.
 */
export async function runCliBenches(serverUrl?: string, apiKey?: string): Promise<BenchRow[]> {
  const own = serverUrl === undefined || apiKey === undefined ? await startServer() : undefined;
  const url = serverUrl ?? own!.url;
  const key = apiKey ?? own!.apiKey;
  const profileDir = mkdtempSync(join(tmpdir(), 'ax-bench-cli-'));
  try {
    if (own) await seedUsers(url, key);
    // An empty profile folder: settings come from the environment, as in CI. HOME is the same folder, so ax's code
    // cache (~/.cache/ax-admin-plane) starts empty: the warm-up round writes it, as a user's first run would.
    const env = { PATH: process.env.PATH ?? '', HOME: profileDir, ARIZE_DIRECTORY: profileDir, ARIZE_API_KEY: key, ARIZE_ENDPOINT: url };
    const run = (args: readonly string[]) => () => wallMs(args, env);
    const stats = await alternate({
      peer: run(['-e', '0']),
      version: run([AX_BIN, ...SUBJECTS[0].args]),
      help: run([AX_BIN, ...SUBJECTS[1].args]),
      list: run([AX_BIN, ...SUBJECTS[2].args]),
      listJson: run([AX_BIN, ...SUBJECTS[3].args]),
    }, ROUNDS, 1);
    const machine = machineInfo();
    return SUBJECTS.map(({ key: name, args, target }) => {
      const ratio = stats[name].median / stats.peer.median;
      return {
        id: `B9 cli ${args.join(' ')}`,
        subject: `ax ${args.join(' ')}`,
        peer: 'node -e 0',
        subject_value: stats[name].median,
        peer_value: stats.peer.median,
        ratio,
        target: `≤ ${target}×`,
        pass: ratio <= target,
        unit: 'ms wall time (median)',
        machine,
        data: `${ROUNDS} interleaved rounds after 1 warm-up (which writes ax's code cache in the fresh HOME); ${own ? `own ax serve (SQLite), ${USERS} users` : 'given server'}; list prints one page of 50`,
        subject_spread: stats[name].spread,
        peer_spread: stats.peer.spread,
      };
    });
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
    await own?.stop();
  }
}

/** Wall time of one `node ARGS` process, from spawn to exit; a failing run aborts the bench. */
function wallMs(args: readonly string[], env: Record<string, string>): number {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return ms;
}

interface OwnServer { url: string; apiKey: string; stop(): Promise<void> }

/** `ax serve` in its own process (a server in this process would stall while spawnSync blocks). */
async function startServer(): Promise<OwnServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ax-bench-serve-'));
  const apiKey = `ak-bench-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dir], {
    env: { ...process.env, AX_ADMIN_API_KEY: apiKey, AX_ADMIN_PASSWORD: 'bench password, not secret', AX_LOG_LEVEL: 'info', DATABASE_URL: '', ARIZE_DIRECTORY: join(dir, 'arize') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'ax server ready' && entry.url) resolve(entry.url);
      } catch { /* not a log line */ }
    });
    child.once('exit', (code) => reject(new Error(`ax serve exited with ${code}`)));
  });
  return {
    url,
    apiKey,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

async function seedUsers(url: string, apiKey: string): Promise<void> {
  const client = new AxClient({ endpoint: url, apiKey });
  for (let i = 0; i < USERS; i++) {
    await client.users.create({ name: `Bench User ${i}`, email: `bench${i}@example.com`, role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' });
  }
}
