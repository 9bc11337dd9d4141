// A CPU profile of the real server under load on one route, summarized: where the server's time goes, for the
// closing notes of performance work (the targets of B5–B8 are reached by removing what this shows).
//   node --import tsx bench/http/profile-route.ts users|space|space-service|projects|binding|graphql   (PROFILE_SECONDS, default 10; PROFILE_TOP
//   and PROFILE_FILES, the functions and files listed, default 25 and 20; DATABASE_URL for PostgreSQL)
// Seeds the bench world (B7's 106k users for `users`), starts the built server (dist/), which profiles itself (BENCH_CPU_PROFILE) once warm, loads the
// route with autocannon (64 connections) from this process, stops the server, and prints the top functions by self
// time and the share of each package / source file. Proportions hold on a loaded machine; absolute rates do not.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spaceThenProjectsRequests, spaceWithProjectsTarget } from '../graphql/index.js';
import { frameOrigins } from '../lib/frame-origin.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import { startSeededServer } from '../lib/seeded-server.js';
import { memberSpaceRequest, spaceRequest } from './b5-get-space.js';
import { PAGE_SIZE, usersPageOne } from './b7-users-list.js';
import { roleBindingWrites } from './b8-role-binding-writes.js';
import autocannon from 'autocannon';
import { autocannonRequest, type LoadTarget } from './throughput.js';
import { CONNECTIONS } from './settings.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const route = process.argv[2] ?? 'space';
const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
const profileDir = await mkdtemp(join(tmpdir(), 'ax-profile-'));
const server = await startSeededServer({
  sizes: route === 'users' ? { ...BENCH_WORLD, users: 106_000 } : BENCH_WORLD,
  postgresUrl: process.env.DATABASE_URL,
  env: { BENCH_CPU_PROFILE: join(profileDir, 'server.cpuprofile') },
});
let requests: number;
try {
  const target: LoadTarget = route === 'users' ? usersPageOne(server)
    : route === 'binding' ? roleBindingWrites(server)
      : route === 'space-service' ? spaceRequest(server, server.service.raw, server.service.spaceId)
        : route === 'graphql' ? spaceWithProjectsTarget(server)
        : route === 'projects' ? spaceThenProjectsRequests(server)[1]
        : memberSpaceRequest(server);
  await load(target, Math.min(2, seconds)); // warm-up, not profiled
  process.kill(server.pid, 'SIGUSR2');
  requests = await load(target, seconds);
} finally {
  await server.stop();
}
const file = (await readdir(profileDir)).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${profileDir}`);
const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as Profile;
await rm(profileDir, { recursive: true, force: true });

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);
const busy = total - idle;

const origin = frameOrigins();
/** A frame as `function package-or-module:line`, through the server bundle's source map (bench/lib/frame-origin.ts). */
const named = (frame: ProfileNode['callFrame']) => {
  const { url, line } = origin(frame);
  return `${frame.functionName || '(anonymous)'} ${where(url)}:${line}`;
};
const where = (url: string) => {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const own = /\/(dist|src)\/(.+)$/.exec(url);
  if (own) return own[2]!;
  return url.startsWith('node:') ? url : url === '' ? '(native/GC)' : url;
};
const sum = (key: (node: ProfileNode) => string) => {
  const totals = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (['(idle)', '(program)'].includes(node.callFrame.functionName)) continue;
    totals.set(key(node), (totals.get(key(node)) ?? 0) + time);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
};
const pct = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)} %`;

console.log(`${route}${route === 'users' ? ` (limit=${PAGE_SIZE})` : ''}, ${server.dialect}: ${Math.round(requests)} req/s over ${seconds} s `
  + `(loaded machine: proportions, not rates); busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\ntop functions by self time (% of busy):');
for (const [name, time] of sum((n) => named(n.callFrame)).slice(0, Number(process.env.PROFILE_TOP ?? 25))) {
  console.log(`  ${pct(time)}  ${name}`);
}
console.log('\nby package / source file (% of busy):');
for (const [name, time] of sum((n) => where(origin(n.callFrame).url)).slice(0, Number(process.env.PROFILE_FILES ?? 20))) console.log(`  ${pct(time)}  ${name}`);

/** Requests per second over `seconds` (timeouts on a loaded machine are counted, not fatal: the profile is the point). */
async function load(target: LoadTarget, duration: number): Promise<number> {
  const result = await autocannon({ ...autocannonRequest(target), connections: CONNECTIONS, duration, timeout: 60 });
  if (result.non2xx > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx answers`);
  return result.requests.average;
}

// PROFILE_CALLERS=<function>: its time split by the nearest calling frame of our own code (src/ through the bundle's
// source map, or dist/), e.g. executeQuery.
const callersOf = process.env.PROFILE_CALLERS;
if (callersOf) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** A frame of our own code: src/ (through the bundle's source map) or dist/, not a dependency. */
  const ours = (node: number) => {
    const { url } = origin(byId.get(node)!.callFrame);
    return !url.includes('node_modules') && /(^|\/)(dist|src)\//.test(url);
  };
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    let at: number | undefined = id;
    while (at !== undefined && byId.get(at)!.callFrame.functionName !== callersOf) at = parent.get(at);
    if (at === undefined) continue;
    let caller = parent.get(at);
    while (caller !== undefined && !ours(caller)) caller = parent.get(caller);
    const name = caller === undefined ? '(no caller of ours on the stack)' : named(byId.get(caller)!.callFrame);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
  console.log(`\n${callersOf} by nearest caller of ours (% of busy):`);
  for (const [name, time] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(time)}  ${name}`);
}
