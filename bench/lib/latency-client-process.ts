import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FixedRateOptions, FixedRateResult } from './latency-client.js';

/**
 * fixedRateLatencies run in a Node process of its own, which holds nothing but the client. The bench process holds
 * the seed world and the rows' own state, and its full collections took 10–40 ms each during the B5/B6 group
 * (measured with a GC observer); a pause while B6's client runs there times every request in flight or due as if
 * the server had been that slow, so one pause can set a run's p99, on whichever side it falls. Here the bench process
 * waits, idle, for each run.
 */
export class LatencyClientProcess {
  private constructor(private readonly child: ReturnType<typeof fork>) {}

  static async start(): Promise<LatencyClientProcess> {
    const child = fork(fileURLToPath(new URL('./latency-client-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the latency client exited (${code}) before it was ready`)));
    });
    return new LatencyClientProcess(child);
  }

  /** One run of the client in its process; fails as fixedRateLatencies fails. */
  run(options: FixedRateOptions): Promise<FixedRateResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the latency client exited (${code}) during a run`));
      this.child.once('exit', onExit);
      this.child.once('message', (message) => {
        this.child.off('exit', onExit);
        const answer = message as { result: FixedRateResult } | { error: string };
        if ('error' in answer) reject(new Error(answer.error));
        else resolve(answer.result);
      });
      this.child.send(options);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }
}
