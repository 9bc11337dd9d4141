import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { quietResidentMegabytes } from './resident-memory.js';

/**
 * The RSS of a Node process that does nothing (`node -e …`): the floor under any Node server.
 */
export async function idleNodeMegabytes(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "process.stdout.write('ready\\n'); setInterval(() => {}, 1 << 30)"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', () => resolve());
      void exited.then(() => reject(new Error('the idle node process exited')));
    });
    return await quietResidentMegabytes(child.pid!);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}
