// What B5's gap is worth in CPU time: B5's GET (a MEMBER's key on the seed world, the built server) beside the bare
// Fastify route serving the same bytes with 0, 3, 6, … microseconds of busy work added to each request
// (BareServerConfig.busyMicros), all alternating as the HTTP rows do. It prints each side's rate and its ratio to the
// bare route, and, interpolated between the busy routes, how much work a bare route would carry to serve at the
// subject's rate and at B5's target (0.7×): the CPU a change must take off each request to reach it.
//   node --import tsx bench/http/work-equivalent.ts   (WORK_MICROS, default 0,3,6,9,12; BENCH_HTTP_SECONDS, BENCH_HTTP_ROUNDS, BENCH_PIN as the rows)
// A ratio alone hides that the load generator shares the cores: a microsecond of the server's work costs the bench
// more than a microsecond per request (the client waits, and each answer has to wake it). The busy work is timed by
// the clock: while the machine's host takes CPU away (seen here: the bare route at 18k req/s where it usually serves
// 40k), a busy microsecond holds less work than usual and the figures say little; trust a run whose bare rate is its
// usual one.
import { machineInfo } from '../lib/harness.js';
import type { ListeningProcess } from '../lib/listening-process.js';
import { startSeededServer } from '../lib/seeded-server.js';
import { alternateRuns, type TimedRun } from './alternate-runs.js';
import { agreeingBodies, B5_TARGET, memberSpaceRequest } from './b5-get-space.js';
import { startBareServer } from './bare-server-config.js';
import { answer } from './index.js';
import { SERVER_LAUNCHER, SETTINGS_TEXT } from './settings.js';
import { throughput } from './throughput.js';

const micros = (process.env.WORK_MICROS ?? '0,3,6,9,12').split(',').map(Number);
if (micros[0] !== 0 || micros.some((m, i) => !Number.isFinite(m) || (i > 0 && m <= micros[i - 1]!))) {
  throw new Error(`WORK_MICROS: increasing microseconds starting at 0 (the bare route), e.g. 0,3,6,9; got ${process.env.WORK_MICROS}`);
}

/** Where `rate` falls on the busy routes' rates (falling as work grows), in microseconds; undefined outside them. */
function workAt(rate: number, points: { micros: number; rate: number }[]): number | undefined {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (rate <= a.rate && rate >= b.rate) return a.micros + ((a.rate - rate) / (a.rate - b.rate)) * (b.micros - a.micros);
  }
  return undefined;
}

const server = await startSeededServer({ launcher: SERVER_LAUNCHER });
const peers: ListeningProcess[] = [];
try {
  const subject = memberSpaceRequest(server);
  const body = await answer(subject);
  const contenders: Record<string, TimedRun> = { subject: (s) => throughput(subject, s) };
  for (const m of micros) {
    const peer = await startBareServer({ fixtures: { space: body }, busyMicros: m }, SERVER_LAUNCHER);
    peers.push(peer);
    const target = { url: `${peer.url}/fixture/space` };
    await agreeingBodies(subject, target);
    contenders[`bare + ${m} µs`] = (s) => throughput(target, s);
  }
  const runs = await alternateRuns(contenders);
  const bare = runs['bare + 0 µs']!.median;
  console.log(`B5's GET beside the bare route with work added (req/s, median [min–max]; ${SETTINGS_TEXT})`);
  for (const [name, stats] of Object.entries(runs)) {
    console.log(`  ${name.padEnd(14)} ${Math.round(stats.median).toLocaleString('en-US').padStart(7)} [${Math.round(stats.min)}–${Math.round(stats.max)}]  ${(stats.median / bare).toFixed(3)}× bare`);
  }
  const points = micros.map((m) => ({ micros: m, rate: runs[`bare + ${m} µs`]!.median }));
  const equivalent = (who: string, rate: number) => {
    const at = workAt(rate, points);
    return at === undefined
      ? `${who}: not between the busy routes' rates (0–${micros.at(-1)} µs of work; a noisy run, or more work than that: add points to WORK_MICROS)`
      : `${who}: the bare route with ${at.toFixed(1)} µs of work per request`;
  };
  console.log(equivalent("the subject's rate", runs.subject!.median));
  console.log(equivalent(`B5's target (${B5_TARGET}× bare)`, bare * B5_TARGET));
  const machine = machineInfo();
  console.log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}; seed world ${server.world.users.length} users, ${server.world.roleBindings.length} role bindings`);
} finally {
  for (const peer of peers) await peer.stop();
  await server.stop();
}
