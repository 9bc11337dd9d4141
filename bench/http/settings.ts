import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * The HTTP rows' run settings. BENCH_HTTP_SECONDS (default 2) is the length of each measured run;
 * BENCH_HTTP_ROUNDS (default 5) the measured rounds, subject and peer alternating, after one warm-up run of each
 * (1 s, or shorter with shorter runs); BENCH_PIN=1 puts servers and load generator on a core each (below). At the defaults the http group takes about two minutes on SQLite and two more
 * on PostgreSQL (DATABASE_URL set).
 */
export const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 2);
export const HTTP_ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
export const WARMUP_SECONDS = Math.min(1, HTTP_SECONDS);
/** Keep-alive connections of every load run (autocannon `-c 64 -p 1`, and the fixed-rate latency client). */
export const CONNECTIONS = 64;

/**
 * BENCH_PIN=1: every server of these rows runs on CPU 1 (`taskset -c 1`), and this process (the load generator, with
 * the latency client and whatever else it starts) on CPU 0. Unpinned, the servers' and the client's threads share
 * both cores as the scheduler pleases, and on this shared machine a side's rate moved 12k–24k req/s between the
 * 2-second rounds of one run; pinned, 26.4k–29.0k. The ratio then compares each server's throughput on one core.
 * For comparing two builds of our own; the rows' figures stay unpinned by default (the setting: the load
 * generator on the same 2 cores). PostgreSQL's own processes are not pinned.
 */
const PIN = pinSetting(process.env.BENCH_PIN);

function pinSetting(value: string | undefined): boolean {
  if (value === undefined || value === '0') return false;
  if (value !== '1') throw new Error(`BENCH_PIN: 1 (a core each for servers and load) or 0; got ${JSON.stringify(value)}`);
  if (availableParallelism() < 2) throw new Error(`BENCH_PIN=1 needs two cores (servers on CPU 1, load on CPU 0); this machine has ${availableParallelism()}`);
  return true;
}

/** What the servers of these rows are started under (bench/lib/listening-process.ts's `launcher`). */
export const SERVER_LAUNCHER: string[] = PIN ? ['taskset', '-c', '1'] : [];

/**
 * With BENCH_PIN=1, moves every thread of this process to CPU 0 (processes it starts from then on inherit it); the
 * function it answers gives the process every core again, for the groups that run after these rows.
 */
export function pinLoadGenerator(): () => void {
  const pin = (cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
  if (!PIN) return () => undefined;
  pin('0');
  return () => pin(`0-${availableParallelism() - 1}`);
}

export const SETTINGS_TEXT = `${HTTP_ROUNDS} rounds of ${HTTP_SECONDS} s after a ${WARMUP_SECONDS} s warm-up of each side, alternating, `
  + `${CONNECTIONS} connections${PIN ? '; servers pinned to CPU 1, load generator to CPU 0 (BENCH_PIN=1)' : ''}`;
