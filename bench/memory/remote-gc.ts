import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Full garbage collections in another Node process on request, so that its RSS is read without the garbage of a load
 * (the server's loadWorld rows) whether or not V8 has collected it yet. The process gets a preload, passed as
 * NODE_OPTIONS (a data: URL, so there is no file to resolve), that exposes V8's `gc` and on SIGUSR2 runs it
 * COLLECTIONS times (V8 drops the bytecode of functions not run for --bytecode-old-age = 5 of them), then appends its
 * pid to the file named by AX_BENCH_GC_MARK (a temporary file of the handle). Nothing else in the process changes.
 */
const COLLECTIONS = 7;
const PRELOAD = [
  "import v8 from 'node:v8';",
  "import vm from 'node:vm';",
  "import { appendFileSync } from 'node:fs';",
  "v8.setFlagsFromString('--expose-gc');",
  "const gc = vm.runInNewContext('gc');",
  `process.on('SIGUSR2', () => { for (let i = 0; i < ${COLLECTIONS}; i++) gc(); appendFileSync(process.env.AX_BENCH_GC_MARK, \`\${process.pid}\\n\`); });`,
].join('\n');

export interface RemoteGc {
  /** The environment that gives a spawned Node process the preload. */
  env: Record<string, string>;
  /** Signals the process (started with `env`) and waits until it reports the collection done. */
  collect(pid: number): Promise<void>;
  remove(): Promise<void>;
}

export async function remoteGc(timeoutMs = 30_000): Promise<RemoteGc> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-gc-'));
  const markFile = join(dir, 'collected');
  const done = (pid: number) => (existsSync(markFile) ? readFileSync(markFile, 'utf8').split('\n').filter((l) => l === String(pid)).length : 0);
  return {
    env: {
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=data:text/javascript,${encodeURIComponent(PRELOAD)}`].filter(Boolean).join(' '),
      AX_BENCH_GC_MARK: markFile,
    },
    async collect(pid) {
      const before = done(pid);
      process.kill(pid, 'SIGUSR2');
      const until = Date.now() + timeoutMs;
      while (done(pid) === before) {
        if (Date.now() > until) throw new Error(`process ${pid} did not report a garbage collection within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
