import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const AX_BIN = fileURLToPath(new URL('../../bin/ax.js', import.meta.url));

export interface AxResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `ax` binary (bin/ax.js → dist/cli/main.js, so `npm run build` first) with a clean environment:
 * only PATH, HOME and what the test passes, so a developer's own ARIZE_* settings never leak in.
 */
export function runAx(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<AxResult> {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  // `node -- bin/ax.js`: Node 20 would otherwise treat an `--env-file` argument meant for ax as its own option.
  const child = spawn(process.execPath, ['--', AX_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
