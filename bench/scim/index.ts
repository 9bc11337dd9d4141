import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateKey } from '../../src/keys/key-format.js';
import { startServer } from '../../src/server/start-server.js';
import { spawnServerProcess } from '../../test/helpers/server-process.js';
import { machineInfo, type BenchRow } from '../lib/harness.js';
import { provisionAccount } from './directory-setup.js';
import { benchInitialSync, type DirectorySize } from './initial-sync.js';
import { benchMembershipPatch } from './membership-patch.js';

export { runScimListBenches } from './list-paging.js';

/** A directory of the size the rows are specified at, and `--small` for a quick run. */
const FULL: DirectorySize = { users: 10_000, groups: 500, membersPerGroup: 20 };
const SMALL: DirectorySize = { users: 1_000, groups: 50, membersPerGroup: 20 };

async function startPeer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scim/bare-insert-server.ts'], {
    env: { ...process.env, BARE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as { url?: string };
      if (parsed.url) resolve(parsed.url);
    });
    child.once('exit', (code) => reject(new Error(`bench/scim/bare-insert-server.ts exited with ${code}`)));
  });
  return { url, stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }) };
}

/**
 * The SCIM rows (issue 12): a directory's initial sync against a server of its own process (SQLite) beside a bare
 * insert route, then, on the directory it built, one group membership change on an in-process server whose access
 * snapshot can be inspected. `BENCH_ONLY=scim npm run bench -- --small` runs them alone on 1,000 users.
 */
export async function runScimBenches(): Promise<BenchRow[]> {
  const size = process.argv.includes('--small') ? SMALL : FULL;
  const machine = machineInfo();
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-scim-'));
  const adminKey = generateKey().raw;
  const env = {
    AX_DATA_DIR: dir, ARIZE_DIRECTORY: join(dir, 'arize'), AX_ADMIN_API_KEY: adminKey, AX_ADMIN_PASSWORD: 'bench-password-1234',
    // SQLite, whatever the shell exports.
    DATABASE_URL: '',
  };
  try {
    const subject = await spawnServerProcess(env);
    const peer = await startPeer(dir);
    let sync: Awaited<ReturnType<typeof benchInitialSync>>;
    let account: Awaited<ReturnType<typeof provisionAccount>>;
    try {
      account = await provisionAccount(subject.url, adminKey);
      sync = await benchInitialSync(subject.url, peer.url, account.token, size, machine);
    } finally {
      await subject.stop();
      await peer.stop();
    }
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, handleSignals: false, env: { ...process.env, ...env, AX_LOG_LEVEL: 'warn' } });
    try {
      // Users in neither g-1 nor g-2: the mapping of g-2 is all that can give them the custom role.
      const outsiders = sync.directory.userIds.slice(2 * size.membersPerGroup);
      const patch = await benchMembershipPatch(server.url, server.context, account, sync.directory.groupIds[1]!, outsiders, machine);
      return [sync.row, patch];
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
