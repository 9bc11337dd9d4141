// Instructions per request of B5's GET (the server, dist/) and of its bare Fastify peer, each counted by callgrind in a
// process of its own: the same figures for the same build and inputs however busy the machine is, where req/s and
// CPU time on this shared 2-core machine move by ±20 % between stretches. For performance work on the request path:
// a change that removes work shows here at once.
//   node --import tsx bench/http/count-instructions.ts [space|space-service|projects|projects-all|spaces|graphql|healthz]   (COUNT_REQUESTS, default 5000; COUNT_WARMUP, default 8000;
//   COUNT_PEER=rest with `graphql`: B15's own peer, REST's two requests of each operation on a second seeded server, in place of bare Fastify;
//   COUNT_KEEP=1 keeps the callgrind files (with COUNT_FUNCTIONS, each server's perf map beside them, which names the
//   addresses of compiled JavaScript), for callgrind_annotate, and prints their folder; COUNT_FUNCTIONS=N prints
//   the N functions, JavaScript ones by name, where the subject spends the most instructions over the peer;
//   COUNT_SIMULATE=1 adds callgrind's cache and branch simulation and prints misses and mispredicts per request)
// Needs valgrind. Seeds the bench world and starts both servers under callgrind with counting off. It warms each one
// up with COUNT_WARMUP requests so the hot code is optimized, counts COUNT_REQUESTS more (8 keep-alive connections),
// and prints instructions per request and the ratio. Counting covers the main thread only, user space only: the
// kernel's share (socket writes, waking the client) is not in it. The start takes a minute or two under valgrind.
// The defaults are what it takes for the figure to settle: after 4,000 requests of warm-up V8 (whose optimizing
// compiler runs on a background thread, slowed by valgrind like the rest) had not yet optimized all of the hot
// path, and the subject counted 131.7k–134.0k a request, moving ±2k from run to run; after 8,000, 110.2k and 111.0k.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListeningProcess } from '../lib/listening-process.js';
import { instructionsByFunction, printDifference } from './callgrind-functions.js';
import { type SeededServer, startSeededServer } from '../lib/seeded-server.js';
import { timedRequestsMicros } from '../lib/timed-requests.js';
import { memberSpaceRequest, spaceRequest } from './b5-get-space.js';
import { spaceThenProjectsRequests, spaceWithProjectsTarget } from '../graphql/index.js';
import { startBareServer } from './bare-server-config.js';
import { answer } from './index.js';
import type { LoadTarget } from './throughput.js';

const route = process.argv[2] ?? 'space';
/**
 * What each route counts, and its request on the seeded server: B5's GETs (a MEMBER's USER key, a SERVICE key), a
 * member's lists, B15's POST /graphql (the bare peer answers its bytes to a GET), and the health check (no key, no check).
 */
const memberList = (server: SeededServer, path: string): LoadTarget => ({ url: `${server.url}${path}`, headers: { authorization: `Bearer ${server.member.raw}` } });
const ROUTES: Record<string, { what: string; target: (server: SeededServer) => LoadTarget }> = {
  space: { what: 'GET /v2/spaces/{id}, MEMBER key', target: memberSpaceRequest },
  'space-service': { what: 'GET /v2/spaces/{id}, SERVICE key', target: (server) => spaceRequest(server, server.service.raw, server.service.spaceId) },
  projects: { what: 'GET /v2/projects?space_id={id}&limit=100, MEMBER key (B15\'s second REST request)', target: (server) => spaceThenProjectsRequests(server)[1] },
  'projects-all': { what: 'GET /v2/projects?limit=100, MEMBER key', target: (server) => memberList(server, '/v2/projects?limit=100') },
  spaces: { what: 'GET /v2/spaces?limit=100, MEMBER key', target: (server) => memberList(server, '/v2/spaces?limit=100') },
  graphql: { what: 'POST /graphql, B15\'s space and its projects, MEMBER key', target: spaceWithProjectsTarget },
  healthz: { what: 'GET /healthz', target: (server) => ({ url: `${server.url}/healthz` }) },
};
if (!Object.hasOwn(ROUTES, route)) throw new Error(`route: ${Object.keys(ROUTES).join(', ')}; got ${JSON.stringify(route)}`);
const requests = Number(process.env.COUNT_REQUESTS ?? 5000);
const warmup = Number(process.env.COUNT_WARMUP ?? 8000);
/** Keep-alive connections the requests go over, each sending its next GET when its answer is in. */
const CONNECTIONS = 8;
const topFunctions = Number(process.env.COUNT_FUNCTIONS ?? 0);
/**
 * COUNT_PEER=rest (route `graphql` only): the peer is B15's, the server itself answering REST's two requests of each
 * operation (the space, then its projects), counted per pair: what GraphQL's one request costs beyond the two it
 * replaces. The default, `bare`, is bare Fastify answering the subject's bytes.
 */
const peerKind = process.env.COUNT_PEER ?? 'bare';
if (peerKind !== 'bare' && !(peerKind === 'rest' && route === 'graphql')) {
  throw new Error(`COUNT_PEER: bare, or rest with the graphql route; got ${JSON.stringify(peerKind)} with ${JSON.stringify(route)}`);
}
/**
 * COUNT_SIMULATE=1: callgrind also simulates the caches (L1 instruction and data, last level, sized like this
 * machine's) and the branch predictor, and both sides' misses and mispredicts per request are printed. Where the
 * subject's CPU time per request grows faster than its instructions, this says which of the two it is, on a machine
 * whose hardware counters `perf stat` cannot read. A model, not the hardware: for comparing the two sides.
 */
const simulate = process.env.COUNT_SIMULATE === '1';
if (process.env.COUNT_SIMULATE !== undefined && !['0', '1'].includes(process.env.COUNT_SIMULATE)) {
  throw new Error(`COUNT_SIMULATE: 1 (simulate caches and branches) or 0; got ${JSON.stringify(process.env.COUNT_SIMULATE)}`);
}
if (!Number.isInteger(topFunctions) || topFunctions < 0) throw new Error(`COUNT_FUNCTIONS: a whole number of functions to print; got ${process.env.COUNT_FUNCTIONS}`);
// Both servers write a perf map (/tmp/perf-<pid>.map) naming the code V8 compiles: callgrind knows it by address only.
if (topFunctions > 0) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --perf-basic-prof`.trim();
const dir = await mkdtemp(join(tmpdir(), 'ax-callgrind-'));
/** valgrind's callgrind with counting off until callgrind_control turns it on; `--smc-check` because V8 writes code. */
const callgrind = (name: string) => ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', '--separate-threads=yes',
  ...(simulate ? ['--cache-sim=yes', '--branch-sim=yes', ...lastLevelCache()] : []), `--callgrind-out-file=${join(dir, `${name}.callgrind`)}`];

/**
 * `--LL` as this machine's last-level cache (sysfs): under KVM valgrind read the host's from cpuid here and modelled
 * 256 MB direct-mapped, whose conflict misses between the V8 heap's far-apart pages swamped the figures. Nothing
 * when sysfs does not say, or says a geometry valgrind cannot model (a set count that is not a power of two).
 */
function lastLevelCache(): string[] {
  const base = '/sys/devices/system/cpu/cpu0/cache';
  const caches = existsSync(base) ? readdirSync(base).filter((name) => name.startsWith('index')).map((name) => {
    const read = (file: string) => readFileSync(join(base, name, file), 'utf8').trim();
    const size = /^(\d+)K$/.exec(read('size'));
    return { level: Number(read('level')), type: read('type'), bytes: size ? Number(size[1]) * 1024 : 0, ways: Number(read('ways_of_associativity')), line: Number(read('coherency_line_size')) };
  }) : [];
  const last = caches.filter((c) => c.type === 'Unified' && c.bytes > 0).sort((a, b) => b.level - a.level)[0];
  if (!last || !(last.ways > 0 && last.line > 0)) return [];
  const sets = last.bytes / (last.ways * last.line);
  return Number.isInteger(sets) && (sets & (sets - 1)) === 0 ? [`--LL=${last.bytes},${last.ways},${last.line}`] : [];
}

/** What callgrind counted per request, by event (`Ir`, and with COUNT_SIMULATE the misses and mispredicts). */
type Events = Map<string, number>;
const EVENT_NAMES: Record<string, string> = {
  Ir: 'instructions', I1mr: 'L1 instruction misses', D1mr: 'L1 data read misses', D1mw: 'L1 data write misses',
  ILmr: 'last-level instruction misses', DLmr: 'last-level data read misses', DLmw: 'last-level data write misses',
  Bcm: 'conditional branches mispredicted', Bim: 'indirect branches mispredicted',
};

function eventsPerRequest(callgrindText: string, name: string): Events {
  const events = /^events: (.+)$/m.exec(callgrindText)?.[1]?.split(' ');
  const totals = /^totals: (.+)$/m.exec(callgrindText)?.[1]?.split(' ').map(Number);
  if (!events || !totals) throw new Error(`${name}: callgrind wrote no totals`);
  return new Map(events.map((event, i) => [event, (totals[i] ?? 0) / requests]));
}

/**
 * Warms `server` up, counts `requests` of each of `targets` on it, stops it; the main thread's instructions per
 * request (per set of requests, one of each target, when there are several).
 * V8's optimizing compiles run on background threads, whenever valgrind (one thread at a time) gets to them: the
 * whole process's count held 30–45 % of compiler work, and moved with the timing. The main thread's does not.
 */
async function count(name: string, server: ListeningProcess, targets: readonly LoadTarget[]): Promise<{ perRequest: number; events: Events; functions?: Map<string, number> }> {
  for (const target of targets) await timedRequestsMicros(target, warmup, CONNECTIONS);
  execFileSync('callgrind_control', ['--instr=on', String(server.pid)], { stdio: 'ignore' });
  for (const target of targets) await timedRequestsMicros(target, requests, CONNECTIONS);
  execFileSync('callgrind_control', ['--instr=off', String(server.pid)], { stdio: 'ignore' });
  await server.stop();
  // With --separate-threads, one file per thread: `-01` is the main thread's.
  const file = join(dir, `${name}.callgrind-01`);
  const events = eventsPerRequest(await readFile(file, 'utf8'), name);
  const perRequest = events.get('Ir')!;
  if (topFunctions === 0) return { perRequest, events };
  // valgrind runs Node in its own process: the pid the perf map is named by is the server's.
  const perfMap = `/tmp/perf-${server.pid}.map`;
  try {
    return { perRequest, events, functions: instructionsByFunction(file, perfMap, requests) };
  } finally {
    // Kept beside the callgrind files with COUNT_KEEP: the addresses callgrind_annotate shows are named only in it.
    if (process.env.COUNT_KEEP) await rename(perfMap, join(dir, `${name}.perf-map`));
    else await rm(perfMap, { force: true });
  }
}

/** The side counted beside the subject: its process, what it is sent, and how it is named in the output. */
interface Peer { process: ListeningProcess; targets: LoadTarget[]; what: string }

/** Bare Fastify answering the subject's bytes, or (COUNT_PEER=rest) a second seeded server answering REST's pair. */
async function startPeer(subject: LoadTarget): Promise<Peer> {
  if (peerKind === 'rest') {
    const rest = await startSeededServer({ launcher: callgrind('peer') });
    return { process: rest, targets: spaceThenProjectsRequests(rest), what: 'REST\'s two requests (the space, then its projects), per pair' };
  }
  const bare = await startBareServer({ fixtures: { answer: await answer(subject) } }, callgrind('peer'));
  return { process: bare, targets: [{ url: `${bare.url}/fixture/answer` }], what: 'bare Fastify, the same answer' };
}

try {
  const server = await startSeededServer({ launcher: callgrind('subject') });
  let subject: LoadTarget;
  let peer: Peer;
  try {
    subject = ROUTES[route]!.target(server);
    peer = await startPeer(subject);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const subjectCount = await count('subject', server, [subject]);
  const peerCount = await count('peer', peer.process, peer.targets);
  const world = server.world;
  const each = peer.targets.length > 1 ? ' of each' : '';
  console.log(`instructions per request (callgrind, ${requests} requests${each} after ${warmup}${each}; seed world ${world.users.length / 1000}k users, `
    + `${world.roleBindings.length / 1000}k bindings, ${server.dialect}):`);
  console.log(`  ${ROUTES[route]!.what}: ${Math.round(subjectCount.perRequest).toLocaleString('en')}`);
  console.log(`  ${peer.what}: ${Math.round(peerCount.perRequest).toLocaleString('en')}`);
  console.log(`  ratio: ${(subjectCount.perRequest / peerCount.perRequest).toFixed(2)}`);
  if (simulate) {
    console.log('simulated per request (subject, peer, ratio):');
    for (const [event, text] of Object.entries(EVENT_NAMES)) {
      const [a, b] = [subjectCount.events.get(event) ?? 0, peerCount.events.get(event) ?? 0];
      console.log(`  ${text.padEnd(34)} ${Math.round(a).toLocaleString('en').padStart(8)} ${Math.round(b).toLocaleString('en').padStart(8)}  ${b === 0 ? '—' : (a / b).toFixed(2)}`);
    }
  }
  if (subjectCount.functions && peerCount.functions) printDifference(subjectCount.functions, peerCount.functions, topFunctions);
} finally {
  if (process.env.COUNT_KEEP) console.log(`callgrind files kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
