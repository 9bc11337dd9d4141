// `npm run bench`: every benchmark row the project implements, each beside its peer in this one run; prints a table
// and writes bench/results.json. Targets are reported (PASS/MISS), never asserted. Needs `npm run build` first.
// BENCH_ONLY=access,keys,http,cli,role-mapping,scim,scim-list,memory,growth,console,graphql,dry-run picks groups (`npm run bench --
// --small`: the SCIM rows on 1,000 users, B13-scim-list on 10,000, B10/B12 on smaller worlds). DATABASE_URL adds the
// PostgreSQL rows (B5-pg, B7-pg, B7b-pg, B8-pg, B11, B13-scim-list's PostgreSQL half). Knobs: BENCH_HTTP_SECONDS and
// BENCH_HTTP_ROUNDS (B5–B8, B15), BENCH_PIN=1 (B5–B8: servers on CPU 1, load on CPU 0), BENCH_CONSOLE_ROUNDS (B14-console).
import { writeFileSync } from 'node:fs';
import { runAccessBenches } from './access/index.js';
import { runAccountBenches } from './accounts/index.js';
import { runCliBenches } from './cli/index.js';
import { runConsoleBenches } from './console/index.js';
import { runDryRunBenches } from './dry-run/index.js';
import { runGraphqlBenches } from './graphql/index.js';
import { runHttpBenches } from './http/index.js';
import { runKeyBenches } from './keys/index.js';
import { runRevocationBench } from './keys/b11-revocation.js';
import { runRoleMappingBenches } from './role-mapping/index.js';
import { runScimBenches, runScimListBenches } from './scim/index.js';
import type { BenchRow } from './lib/harness.js';

const only = new Set((process.env.BENCH_ONLY ?? 'access,keys,http,cli,role-mapping,scim,scim-list,memory,growth,console,graphql,dry-run').split(','));
const rows: BenchRow[] = [];

function format(n: number | null): string {
  if (n === null) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

const started = performance.now();
const seconds = (since: number) => `${Math.round((performance.now() - since) / 1000)} s`;

async function group(name: string, run: () => Promise<BenchRow[]>, selected = only.has(name)): Promise<void> {
  if (!selected) return;
  process.stderr.write(`running ${name} benchmarks…\n`);
  const groupStarted = performance.now();
  rows.push(...(await run()));
  process.stderr.write(`${name} benchmarks took ${seconds(groupStarted)}\n`);
}

await group('access', runAccessBenches);
await group('keys', runKeyBenches);
if (only.has('keys') && process.env.DATABASE_URL) rows.push(await runRevocationBench(process.env.DATABASE_URL));
await group('role-mapping', runRoleMappingBenches);
await group('http', runHttpBenches);
await group('cli', runCliBenches);
await group('scim', runScimBenches);
await group('scim-list', runScimListBenches);
// B10 and B12 share their seeded accounts (accounts/index.ts): one group, picked by either name.
const accounts = { memory: only.has('memory'), growth: only.has('growth') };
await group('memory and growth', () => runAccountBenches(accounts), accounts.memory || accounts.growth);
await group('console', runConsoleBenches);
await group('graphql', runGraphqlBenches);
await group('dry-run', runDryRunBenches);

const table = rows.map((r) => ({
  id: r.id, subject: r.subject, peer: r.peer, unit: r.unit,
  subject_value: format(r.subject_value), peer_value: format(r.peer_value), ratio: format(r.ratio), target: r.target,
  result: r.pass === null ? 'info' : r.pass ? 'PASS' : 'MISS',
}));
console.table(table);
const machine = rows[0]?.machine;
if (machine) console.log(`machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(rows, null, 2)}\n`);
console.log(`wrote bench/results.json (the whole run took ${seconds(started)})`);
