import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const MB = 1024 * 1024;

/** A process's resident set size (VmRSS in /proc/<pid>/status), in MB. */
export function residentMegabytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return (Number(line[1]) * 1024) / MB;
}

/**
 * The RSS of another process once it has settled: read every `intervalMs` until three readings in a row are within
 * 1 % of each other (V8's memory reducer shrinks the heap a few seconds after a load goes quiet, and a forced
 * collection is not possible from outside), or `maxMs` passed; the last reading.
 */
export async function settledResidentMegabytes(pid: number, intervalMs = 500, maxMs = 15_000): Promise<number> {
  const readings = [residentMegabytes(pid)];
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    await sleep(intervalMs);
    readings.push(residentMegabytes(pid));
    const last = readings.slice(-3);
    if (last.length === 3 && (Math.max(...last) - Math.min(...last)) / Math.max(...last) <= 0.01) break;
  }
  return readings.at(-1)!;
}
