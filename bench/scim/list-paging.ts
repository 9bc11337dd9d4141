import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from '../../src/keys/key-format.js';
import { openStore } from '../../src/store/database.js';
import { spawnServerProcess } from '../../test/helpers/server-process.js';
import { alternate, machineInfo, percentile, type BenchRow, type MachineInfo } from '../lib/harness.js';
import { timedRequestsMicros } from '../lib/timed-requests.js';
import { provisionAccount } from './directory-setup.js';
import { seedDirectoryUsers } from './directory-users-seed.js';
import { createBenchDatabase } from './postgres-bench-database.js';

/** The contract's size ("100 000 users: page 1000 as fast as page 1"), and `--small`'s. */
const FULL_USERS = 100_000;
const SMALL_USERS = 10_000;
const PAGE = 100;
/**
 * Requests in flight: a directory's few (B13-scim-sync's 8), not B7's saturating 64, at which every answer also waits
 * behind 63 others and the p99 against Okta's bound would measure the queue, not the server.
 */
const IN_FLIGHT = 8;
/**
 * Requests per run, every one answered before the next run starts: a run of fixed duration leaves up to `IN_FLIGHT`
 * requests in the server when it stops, and at 100 000 users their ~2 s of work lands on the next GET's run.
 */
const RUN_REQUESTS = IN_FLIGHT * 6;
const ROUNDS = 5;
/** Okta's bound on every SCIM response (identity.md §12.5). */
const OKTA_MS = 600;
/** The bootstrap account, where provisionAccount's provider and token are. */
const ACCOUNT = 1;

type Request = 'page1' | 'page1000' | 'userName' | 'externalId';

interface Measured {
  /** Median over the rounds of each run's p50, ms. */
  p50: number;
  spread: number;
  /** p99 of every response of the measured rounds together, ms. */
  p99: number;
}

/** The four GETs and what each must answer before it is timed (the agreement check). */
function plan(users: number): Record<Request, { path: string; check(body: ListBody): boolean }> {
  const named = Math.floor(users * 0.77777);
  const external = Math.floor(users * 0.31337);
  const filter = (expression: string) => `/Users?filter=${encodeURIComponent(expression)}`;
  const only = (body: ListBody, key: 'userName' | 'externalId', value: string) => body.totalResults === 1 && body.Resources[0]?.[key] === value;
  return {
    page1: { path: `/Users?startIndex=1&count=${PAGE}`, check: (b) => b.totalResults === users && b.Resources.length === PAGE && b.Resources[0]!.userName === 'user0@example.com' },
    page1000: {
      path: `/Users?startIndex=${users - PAGE + 1}&count=${PAGE}`,
      check: (b) => b.Resources.length === PAGE && b.Resources[PAGE - 1]!.userName === `user${users - 1}@example.com`,
    },
    userName: { path: filter(`userName eq "user${named}@example.com"`), check: (b) => only(b, 'userName', `user${named}@example.com`) },
    externalId: { path: filter(`externalId eq "ext-${external}"`), check: (b) => only(b, 'externalId', `ext-${external}`) },
  };
}

interface ListBody { totalResults: number; Resources: { userName: string; externalId?: string }[] }

/** Each GET in turn (page 1, page 1000, the two filters), a warm-up round then `ROUNDS` measured ones. */
async function measure(url: string, token: string, users: number): Promise<Record<Request, Measured>> {
  const authorization = `Bearer ${token}`;
  const requests = plan(users);
  for (const [name, request] of Object.entries(requests)) {
    const res = await fetch(`${url}/scim/v2${request.path}`, { headers: { authorization } });
    const text = await res.text();
    if (res.status !== 200 || !request.check(JSON.parse(text) as ListBody)) throw new Error(`B13-scim-list ${name}: GET ${request.path} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  const samples = { page1: [], page1000: [], userName: [], externalId: [] } as Record<Request, number[][]>;
  const contender = (name: Request) => async () => {
    // Not autocannon: its runs of a fixed number of requests end on its 1 s tick, whatever the server did.
    const times = (await timedRequestsMicros({ url: `${url}/scim/v2${requests[name].path}`, headers: { authorization } }, RUN_REQUESTS, IN_FLIGHT)).map((us) => us / 1000);
    samples[name].push(times);
    return percentile(times, 50);
  };
  const stats = await alternate({ page1: contender('page1'), page1000: contender('page1000'), userName: contender('userName'), externalId: contender('externalId') }, ROUNDS, 1);
  const result = {} as Record<Request, Measured>;
  for (const name of Object.keys(requests) as Request[]) {
    result[name] = { p50: stats[name].median, spread: stats[name].spread, p99: percentile(samples[name].slice(1).flat(), 99) };
  }
  return result;
}

/** A server of its own process on `databaseUrl` (SQLite when undefined), its directory seeded, then measured. */
async function benchBackend(backend: 'SQLite' | 'PostgreSQL', databaseUrl: string | undefined, users: number, machine: MachineInfo): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-scim-list-'));
  const adminKey = generateKey().raw;
  try {
    const subject = await spawnServerProcess({
      AX_DATA_DIR: dir, ARIZE_DIRECTORY: join(dir, 'arize'), AX_ADMIN_API_KEY: adminKey, AX_ADMIN_PASSWORD: 'bench-password-1234', DATABASE_URL: databaseUrl ?? '',
    });
    try {
      const { token } = await provisionAccount(subject.url, adminKey);
      const store = openStore({ dataDir: dir, databaseUrl });
      try {
        const { idp_id: idpId } = await store.db.selectFrom('scim_tokens').select('idp_id').where('account_id', '=', ACCOUNT).executeTakeFirstOrThrow();
        await seedDirectoryUsers(store.db, store.dialect, { accountId: ACCOUNT, idpId, count: users });
      } finally {
        await store.close();
      }
      return rows(backend, await measure(subject.url, token, users), users, machine);
    } finally {
      await subject.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rows(backend: string, m: Record<Request, Measured>, users: number, machine: MachineInfo): BenchRow[] {
  const data = `${users.toLocaleString('en-US')} users of one SAML directory (SCIM-managed, its domain validated), ${backend}; `
    + `${IN_FLIGHT} kept-alive connections each sending its next GET on an answer, runs of ${RUN_REQUESTS} requests, ${ROUNDS} rounds alternating the four GETs after a warm-up; median of the runs' p50`;
  const versus = (id: Request, subject: string, target: number): BenchRow => ({
    id: 'B13-scim-list', subject: `${subject}, p50 (${backend})`, peer: `page 1 (startIndex=1&count=${PAGE})`,
    subject_value: m[id].p50, peer_value: m.page1.p50, ratio: m[id].p50 / m.page1.p50, target: `≤ ${target.toFixed(1)}`,
    pass: m[id].p50 / m.page1.p50 <= target, unit: 'ms', machine, subject_spread: m[id].spread, peer_spread: m.page1.spread, data,
  });
  const label: Record<Request, string> = { page1: 'page 1', page1000: 'page 1000', userName: 'userName filter', externalId: 'externalId filter' };
  const slowest = Math.max(...Object.values(m).map((r) => r.p99));
  return [
    versus('page1000', `GET /scim/v2/Users page 1000 (startIndex=${users - PAGE + 1}&count=${PAGE})`, 1.2),
    versus('userName', 'GET /scim/v2/Users?filter=userName eq "…"', 1.0),
    versus('externalId', 'GET /scim/v2/Users?filter=externalId eq "…"', 1.0),
    {
      id: 'B13-scim-list', subject: `slowest p99 of the four GETs (${backend})`, peer: '—', subject_value: slowest, peer_value: null, ratio: null,
      target: `each p99 < ${OKTA_MS} ms (Okta)`, pass: slowest < OKTA_MS, unit: 'ms', machine,
      data: `p99 ${(Object.keys(label) as Request[]).map((r) => `${label[r]} ${m[r].p99.toFixed(1)} ms (${m[r].p99 < OKTA_MS ? 'under' : 'OVER'} ${OKTA_MS})`).join(', ')}; ${data}`,
    },
  ];
}

/**
 * B13-scim-list (issue 12: "100 000 users: filter by userName and page 1000 of /Users as fast as page 1"): the
 * four GETs a directory sends on a full directory, on SQLite and, when DATABASE_URL is set, on PostgreSQL in a
 * database of its own that is dropped after. `BENCH_ONLY=scim-list npm run bench` runs it alone; `--small` on 10 000.
 */
export async function runScimListBenches(): Promise<BenchRow[]> {
  const users = process.argv.includes('--small') ? SMALL_USERS : FULL_USERS;
  const machine = machineInfo();
  const rows = await benchBackend('SQLite', undefined, users, machine);
  if (process.env.DATABASE_URL) {
    const database = await createBenchDatabase(process.env.DATABASE_URL);
    try {
      rows.push(...await benchBackend('PostgreSQL', database.url, users, machine));
    } finally {
      await database.drop();
    }
  }
  return rows;
}
