import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './process-alive.js';

const PREFIX = 'ax-test-run-';

/**
 * vitest globalSetup: the run's temporary files — the test files' own mkdtemp folders, servers' data dirs, profile
 * folders, Chromium's profiles — go into one folder of the run, removed when it ends. os.tmpdir() answers TMPDIR,
 * which the workers and every process they start inherit. Without it the suite left ~75 folders in /tmp per run
 * (test files that make a folder and never remove it), on machines whose disk is shared with every other run.
 * The folders of earlier runs whose vitest process is gone (killed runs) are removed first. The projects of one run
 * share the folder: the first project's setup makes it, and its teardown, at the end of the run, removes it.
 */
export default function setup(): (() => void) | undefined {
  if (process.env.AX_TEST_RUN_TMPDIR !== undefined) return undefined;
  const parent = tmpdir();
  for (const name of readdirSync(parent)) {
    if (name.startsWith(PREFIX) && !isAlive(Number(name.slice(PREFIX.length)))) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const dir = join(parent, `${PREFIX}${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const before = process.env.TMPDIR;
  process.env.TMPDIR = process.env.AX_TEST_RUN_TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env.AX_TEST_RUN_TMPDIR;
    rmSync(dir, { recursive: true, force: true });
  };
}
