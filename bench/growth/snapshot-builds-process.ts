import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Stats } from '../lib/harness.js';

export interface SnapshotBuildsRequest {
  /** Each account's SQLite data directory, the seed world's account id and its count of role bindings. */
  accounts: { key: string; dataDir: string; accountId: number; bindings: number }[];
  /** Measured rounds, after one warm-up round. */
  rounds: number;
}

/**
 * Each account's build times, and the median count of the process's minor page faults during a build: a fault is
 * the first write to a page of memory the kernel has not yet given the process (or took back), and on the 2-core VMs
 * the bench runs on one costs ~10 µs (an 8 MB array of a million numbers took 21–25 ms to make and ~1 ms to write
 * again). The 10k-user account's build mostly reuses memory the process already holds; the 100k one's cannot.
 */
export interface SnapshotBuilds {
  builds: Record<string, Stats>;
  faults: Record<string, number>;
}

/**
 * The server's snapshot rebuilds (AccessCache: invalidate, then get) timed in a Node process of its own, which holds
 * what a server holds: its stores and each account's snapshot (AccessCache holds on to the previous one until the
 * rebuild replaces it, in a server as here). The bench process holds the seed worlds (1.1M role bindings as objects, with the 100k
 * account's) and the rows' own state, which a server never holds: every full collection during a build marks them,
 * and there the 100k account's build took 10.1–12.2× the 10k one's (four runs; medians of 9 rounds, SQLite, 2 cores),
 * in a process of its own 9.05× and 9.37× (two runs).
 */
export async function snapshotBuildsInOwnProcess(request: SnapshotBuildsRequest): Promise<SnapshotBuilds> {
  const child = fork(fileURLToPath(new URL('./snapshot-builds-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the snapshot builds' process exited (${code}) before it answered`)));
      child.once('message', (message) => {
        const answer = message as SnapshotBuilds | { error: string };
        if ('error' in answer) reject(new Error(answer.error));
        else resolve(answer);
      });
      child.send(request);
    });
  } finally {
    if (child.exitCode === null) child.disconnect();
  }
}
