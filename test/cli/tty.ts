import { spawn } from 'node:child_process';
import { AX_BIN, REPO_ROOT, type AxResult } from './ax-process.js';

/**
 * Runs the real `ax` binary in a pseudo-terminal through util-linux `script`, typing `input` into it, so the code
 * paths that only run for a human (prompts, colour) are exercised for real.
 */
export function runAxInTty(args: readonly string[], options: { env: Record<string, string>; input: string }): Promise<AxResult> {
  const command = [process.execPath, '--', AX_BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: stdout.replace(/\r/g, ''), stderr }));
  });
}
