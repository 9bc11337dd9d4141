import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A bench server in a process of its own. */
export interface ListeningProcess {
  url: string;
  pid: number;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs an entry (a TypeScript one through tsx, a JavaScript one as it is) that prints `{"url": …}` on a line of its stdout once it listens, and
 * resolves with that URL; other stdout lines (log lines) are read and dropped. `launcher` runs Node under another
 * program (`['valgrind', '--tool=callgrind', …]`: bench/http/count-instructions.ts); the pid is then that program's.
 */
export async function spawnListening(script: string, env: Record<string, string>, launcher: string[] = []): Promise<ListeningProcess> {
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const [command, ...prefix] = [...launcher, process.execPath];
  const child = spawn(command!, [...prefix, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{"url"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`${script} exited before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
