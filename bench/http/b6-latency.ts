import { type BenchRow, type MachineInfo, percentile, type Stats } from '../lib/harness.js';
import { LatencyClientProcess } from '../lib/latency-client-process.js';
import { processCpuSeconds } from '../lib/process-cpu.js';
import { alternateRuns } from './alternate-runs.js';
import { roundsRow } from './rounds-row.js';
import { CONNECTIONS } from './settings.js';
import type { LoadTarget } from './throughput.js';

/** A side of B6: what it serves, and the process serving it (its CPU time is read around each run). */
export type LatencySide = LoadTarget & { text: string; pid: number };

export interface LatencyBench {
  machine: MachineInfo;
  subject: LatencySide;
  peer: LatencySide;
  /** B5's median of the bare route's req/s: the fixed rate is half of it. */
  bareMaxRps: number;
  /** B5's median of the subject's req/s: the data says what share of it B6's rate is. */
  subjectMaxRps: number;
  data: string;
}

interface RunLog {
  achieved: number[];
  p50: number[];
  /** Server CPU (user + system) per answered request, µs. */
  cpuMicros: number[];
}

const newLog = (): RunLog => ({ achieved: [], p50: [], cpuMicros: [] });
/** Each side's first run was its warm-up. */
const medianOfMeasured = (values: number[]) => percentile(values.slice(1), 50);

/**
 * B6: p99 latency of the subject and the bare route, each loaded at the same fixed rate (half of the bare route's
 * B5 maximum) by an open-loop client timing every request in µs (bench/lib/latency-client.ts), in a process of its own.
 * The data also gives each server's CPU per answered request over the rounds (from /proc) and the rate as a share
 * of the subject's own B5 median: at B6's rate the subject runs at about two thirds of its maximum where the peer
 * runs at half, so a short loss of capacity on a shared machine queues more requests behind the subject. That share
 * of a core decides the row: on 2 cores a Node server loaded this way near two thirds of a core (the bare route as
 * well as the subject) falls for seconds at a time into a state where each request costs ~1.5× its usual CPU, and
 * queues until the load falls (measured per second with /proc; README, "npm run bench").
 */
export async function benchLatencyAtHalfBareMax(bench: LatencyBench): Promise<BenchRow> {
  const rate = Math.round(bench.bareMaxRps / 2);
  const client = await LatencyClientProcess.start();
  const p99At = (side: LatencySide, log: RunLog) => async (seconds: number) => {
    const cpuBefore = processCpuSeconds(side.pid);
    const result = await client.run({ url: side.url, headers: side.headers, rate, durationMs: seconds * 1000, connections: CONNECTIONS });
    const cpuAfter = processCpuSeconds(side.pid);
    if (result.non2xx > 0) throw new Error(`${side.url}: ${result.non2xx} non-2xx answers`);
    log.achieved.push(result.achievedRate);
    log.p50.push(percentile(result.latenciesMicros, 50));
    if (cpuBefore !== undefined && cpuAfter !== undefined) log.cpuMicros.push(((cpuAfter - cpuBefore) * 1e6) / result.latenciesMicros.length);
    return percentile(result.latenciesMicros, 99);
  };
  const logs = { subject: newLog(), peer: newLog() };
  let runs: Record<'subject' | 'peer', Stats>;
  try {
    runs = await alternateRuns({ subject: p99At(bench.subject, logs.subject), peer: p99At(bench.peer, logs.peer) });
  } finally {
    await client.close();
  }
  const { subject, peer } = logs;
  /** CPU per request at the rate: the share of a core each server is busy at it (what decides how near it runs to saturation). */
  const busy = (micros: number) => Math.round((micros * rate) / 1e4);
  const cpu = subject.cpuMicros.length > 1 && peer.cpuMicros.length > 1
    ? `; server CPU per answered request (user + system) subject ${medianOfMeasured(subject.cpuMicros).toFixed(1)} µs, peer ${medianOfMeasured(peer.cpuMicros).toFixed(1)} µs `
      + `(at this rate: subject ${busy(medianOfMeasured(subject.cpuMicros))} % of a core, peer ${busy(medianOfMeasured(peer.cpuMicros))} %)`
    : '';
  return roundsRow({
    id: 'B6', subject: `${bench.subject.text}: p99 at ${rate.toLocaleString('en-US')} req/s`, peer: `${bench.peer.text}: p99 at the same rate`,
    unit: 'µs', subjectStats: runs.subject, peerStats: runs.peer, ratio: (s, p) => s / p, target: '≤ 2', pass: (r) => r <= 2,
    machine: bench.machine,
    data: `${bench.data}; open loop at ${rate.toLocaleString('en-US')} req/s = ½ of the bare route's B5 median `
      + `(${Math.round((100 * rate) / bench.subjectMaxRps)} % of the subject's), keep-alive connections opened before the clock starts, `
      + `${CONNECTIONS} connections, hrtime per request; answered req/s subject ${Math.round(medianOfMeasured(subject.achieved))}, `
      + `peer ${Math.round(medianOfMeasured(peer.achieved))}; p50 subject ${Math.round(medianOfMeasured(subject.p50))} µs, `
      + `peer ${Math.round(medianOfMeasured(peer.p50))} µs${cpu}`,
  });
}
