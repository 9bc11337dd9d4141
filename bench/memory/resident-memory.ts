import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RemoteGc } from './remote-gc.js';

const MB = 1024 * 1024;
/**
 * V8's memory reducer runs its compacting collections and hands pages back 8–30 s after a process goes quiet: an
 * idle server read 193 MB right after a forced collection and 132 MB 30 s later, then stayed there.
 */
const QUIET_MS = 32_000;

/** A process's resident set size (VmRSS in /proc/<pid>/status), in MB. */
export function residentMegabytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return (Number(line[1]) * 1024) / MB;
}

/**
 * The RSS of a process left alone for `quietMs`, then until three readings 1 s apart agree within 1 % (at most
 * 10 s more); the last reading, in MB.
 */
export async function quietResidentMegabytes(pid: number, quietMs = QUIET_MS): Promise<number> {
  await sleep(quietMs);
  const readings = [residentMegabytes(pid)];
  for (let extra = 0; extra < 10; extra++) {
    const last = readings.slice(-3);
    if (last.length === 3 && (Math.max(...last) - Math.min(...last)) / Math.max(...last) <= 0.01) break;
    await sleep(1_000);
    readings.push(residentMegabytes(pid));
  }
  return readings.at(-1)!;
}

/**
 * The RSS of a process started with `gc.env` as it is now, and after full collections and a quiet spell
 * (quietResidentMegabytes), in MB.
 */
export async function residentBeforeAndAfterGc(pid: number, gc: RemoteGc): Promise<{ now: number; collected: number }> {
  const now = residentMegabytes(pid);
  await gc.collect(pid);
  return { now, collected: await quietResidentMegabytes(pid) };
}
