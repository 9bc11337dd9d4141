import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** `<data dir>/ax.pid`: which process serves from this data directory, so that a restore can refuse while it runs. */
const PID_FILE = 'ax.pid';

interface Owner {
  pid: number;
  host: string;
}

/**
 * Records this process as the data directory's server; the answer removes the record (at a clean stop). Refuses
 * while another server on this host runs from it: a second process would keep an access snapshot of its own and
 * never learn of the first one's changes (SQLite has no change feed between processes), and a restore would no
 * longer know whom to wait for.
 */
export function claimDataDir(dataDir: string): () => void {
  const running = serverUsingDataDir(dataDir);
  if (running) {
    throw new Error(`another ax server (pid ${running.pid} on ${running.host}) is serving ${dataDir}: a SQLite data directory has one `
      + `server process (run several on PostgreSQL, with DATABASE_URL). If that server is not running, delete ${running.file}.`);
  }
  const file = join(dataDir, PID_FILE);
  const owner: Owner = { pid: process.pid, host: hostname() };
  writeFileSync(file, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  return () => {
    if (readOwner(dataDir)?.pid === owner.pid) rmSync(file, { force: true });
  };
}

/**
 * The server that may be using the data directory: undefined when none recorded itself, or the one that did is no
 * longer running on this host (a crash leaves the record behind). A record from another host (another container)
 * cannot be checked and counts as running.
 */
export function serverUsingDataDir(dataDir: string): (Owner & { file: string }) | undefined {
  const owner = readOwner(dataDir);
  if (!owner) return undefined;
  const file = join(dataDir, PID_FILE);
  if (owner.host !== hostname()) return { ...owner, file };
  if (owner.pid === process.pid) return undefined;
  try {
    process.kill(owner.pid, 0);
    return { ...owner, file };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { ...owner, file } : undefined;
  }
}

function readOwner(dataDir: string): Owner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, PID_FILE), 'utf8')) as Partial<Owner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined;
  }
}
