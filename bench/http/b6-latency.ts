import { type BenchRow, type MachineInfo, percentile, type Stats } from '../lib/harness.js';
import { LatencyClientProcess } from '../lib/latency-client-process.js';
import { alternateRuns } from './alternate-runs.js';
import { roundsRow } from './rounds-row.js';
import { CONNECTIONS } from './settings.js';
import type { LoadTarget } from './throughput.js';

export interface LatencyBench {
  machine: MachineInfo;
  subject: LoadTarget & { text: string };
  peer: LoadTarget & { text: string };
  /** B5's median of the bare route's req/s: the fixed rate is half of it. */
  bareMaxRps: number;
  data: string;
}

/**
 * B6: p99 latency of the subject and the bare route, each loaded at the same fixed rate (half of the bare route's
 * B5 maximum) by an open-loop client timing every request in µs (bench/lib/latency-client.ts), in a process of its own.
 */
export async function benchLatencyAtHalfBareMax(bench: LatencyBench): Promise<BenchRow> {
  const rate = Math.round(bench.bareMaxRps / 2);
  const achieved = { subject: [] as number[], peer: [] as number[] };
  const p50 = { subject: [] as number[], peer: [] as number[] };
  const client = await LatencyClientProcess.start();
  const p99At = (side: 'subject' | 'peer') => async (seconds: number) => {
    const target = bench[side];
    const result = await client.run({ url: target.url, headers: target.headers, rate, durationMs: seconds * 1000, connections: CONNECTIONS });
    if (result.non2xx > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx answers`);
    achieved[side].push(result.achievedRate);
    p50[side].push(percentile(result.latenciesMicros, 50));
    return percentile(result.latenciesMicros, 99);
  };
  let runs: Record<'subject' | 'peer', Stats>;
  try {
    runs = await alternateRuns({ subject: p99At('subject'), peer: p99At('peer') });
  } finally {
    await client.close();
  }
  // Each side's first run was its warm-up.
  const median = (values: number[]) => percentile(values.slice(1), 50);
  return roundsRow({
    id: 'B6', subject: `${bench.subject.text}: p99 at ${rate.toLocaleString('en-US')} req/s`, peer: `${bench.peer.text}: p99 at the same rate`,
    unit: 'µs', subjectStats: runs.subject, peerStats: runs.peer, ratio: (s, p) => s / p, target: '≤ 2', pass: (r) => r <= 2,
    machine: bench.machine,
    data: `${bench.data}; open loop at ${rate.toLocaleString('en-US')} req/s = ½ of the bare route's B5 median, keep-alive connections opened before the clock starts, `
      + `${CONNECTIONS} connections, hrtime per request; answered req/s subject ${Math.round(median(achieved.subject))}, `
      + `peer ${Math.round(median(achieved.peer))}; p50 subject ${Math.round(median(p50.subject))} µs, peer ${Math.round(median(p50.peer))} µs`,
  });
}
