import { spawn } from 'node:child_process';
import { stripAnsi } from '../../src/cli/output/style.js';
import { AX_BIN, REPO_ROOT, type AxResult } from './ax-process.js';

/** Type `send` once the terminal shows `after` (a prompt), so each prompt gets its own keystrokes. */
export interface Keystrokes {
  after: string;
  send: string;
}

/**
 * Runs the real `ax` binary in a pseudo-terminal through util-linux `script`, typing `input` into it, so the code
 * paths that only run for a human (prompts, colour) are exercised for real. A string is typed at once; steps are
 * typed one by one as their prompts appear.
 */
export function runAxInTty(args: readonly string[], options: { env: Record<string, string>; input: string | Keystrokes[] }): Promise<AxResult> {
  const command = [process.execPath, '--', AX_BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const steps = typeof options.input === 'string' ? [] : [...options.input];
  let seen = 0;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const step = steps[0];
    const screen = stripAnsi(stdout);
    if (step && screen.indexOf(step.after, seen) >= 0) {
      seen = screen.indexOf(step.after, seen) + step.after.length;
      steps.shift();
      child.stdin.write(step.send);
      if (steps.length === 0) child.stdin.end();
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // Typed at once, and stdin left open: `script` answers an end of input that arrives while typed characters wait
  // unread (a command that exits before asking anything) by waiting 2 s for the terminal to drain; it exits with
  // its command all the same. Nothing to type: the end of input at once, as a terminal's ^D.
  if (options.input === '') child.stdin.end();
  else if (typeof options.input === 'string') child.stdin.write(options.input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      child.stdin.destroy();
      resolve({ code, stdout: stdout.replace(/\r/g, ''), stderr });
    });
  });
}
