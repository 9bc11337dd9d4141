import { type BenchRow, machineInfo, type MachineInfo } from '../lib/harness.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import { type SeededServer, startSeededServer, type WorldSizes } from '../lib/seeded-server.js';
import { B5_TARGET, benchGetSpace, memberSpaceRequest } from './b5-get-space.js';
import { benchLatencyAtHalfBareMax } from './b6-latency.js';
import { benchUsersList, PAGE_SIZE, usersPageOne } from './b7-users-list.js';
import { benchRoleBindingWrites } from './b8-role-binding-writes.js';
import { startBareServer } from './bare-server-config.js';
import { captureQuery } from './captured-query.js';
import { pinLoadGenerator, SERVER_LAUNCHER } from './settings.js';
import { type LoadTarget, methodAndHeaders } from './throughput.js';

/**
 * B5–B8: the real server (built dist/, its own process, on the seed world) beside a bare Fastify process, both
 * loaded from this process on loopback, alternating in every round; on SQLite, and on PostgreSQL when
 * DATABASE_URL is set. Settings: ./settings.ts (BENCH_HTTP_SECONDS, BENCH_HTTP_ROUNDS, BENCH_PIN); BENCH_HTTP_ROWS=B5,B8 runs only
 * those rows' parts (B5 brings B6, B7 brings B7b; the PostgreSQL variants follow their SQLite rows).
 */
export async function runHttpBenches(): Promise<BenchRow[]> {
  const unpin = pinLoadGenerator();
  try {
    const machine = machineInfo();
    const rows = [...await sqliteRows(machine)];
    const postgresUrl = process.env.DATABASE_URL;
    if (postgresUrl) rows.push(...await postgresRows(machine, postgresUrl));
    return rows;
  } finally {
    unpin();
  }
}

/**
 * B7's account: the seed world with enough users that page 1000 of 100 is full once the bots (5 %, not listed)
 * are left out.
 */
const DEEP_LIST_WORLD: WorldSizes = { ...BENCH_WORLD, users: 106_000 };

/** The row groups BENCH_HTTP_ROWS asks for (all when unset). */
const wanted = (row: 'B5' | 'B7' | 'B8') => process.env.BENCH_HTTP_ROWS?.split(',').includes(row) ?? true;

async function sqliteRows(machine: MachineInfo): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (wanted('B5') || wanted('B8')) await withServer({}, async (server) => {
    if (!wanted('B5')) {
      rows.push(await benchRoleBindingWrites({ machine, server, peerUrl: undefined, idSuffix: '' }));
      return;
    }
    const member = memberSpaceRequest(server);
    const fixtures = { space: await answer(member) };
    const bare = await startBareServer({ fixtures }, SERVER_LAUNCHER);
    const withPolicies = await startBareServer({ fixtures, policies: true }, SERVER_LAUNCHER);
    try {
      const peer = { url: `${bare.url}/fixture/space`, text: 'bare Fastify route answering the same space JSON (no auth, no DB)' };
      const policiesPeer = { url: `${withPolicies.url}/fixture/space` };
      const b5 = await benchGetSpace({ machine, server, peer, policiesPeer, withServiceKey: true, idSuffix: '', target: B5_TARGET });
      rows.push(...b5);
      rows.push(await benchLatencyAtHalfBareMax({
        machine, subject: { ...member, text: 'GET /v2/spaces/{id}, MEMBER key, SQLite', pid: server.pid }, peer: { ...peer, pid: bare.pid },
        bareMaxRps: b5[0]!.peer_value!, subjectMaxRps: b5[0]!.subject_value,
        data: `seed world ${server.world.users.length / 1000}k users, SQLite`,
      }));
    } finally {
      await withPolicies.stop();
      await bare.stop();
    }
    if (wanted('B8')) rows.push(await benchRoleBindingWrites({ machine, server, peerUrl: undefined, idSuffix: '' }));
  });
  if (wanted('B7')) await withServer({ sizes: DEEP_LIST_WORLD }, async (server) => {
    const bare = await startBareServer({ fixtures: { users: await answer(usersPageOne(server)) } }, SERVER_LAUNCHER);
    try {
      const peer = { url: `${bare.url}/fixture/users`, text: `bare Fastify route answering the same ${PAGE_SIZE} users (same bytes, no DB)` };
      rows.push(...await benchUsersList({ machine, server, peer, idSuffix: '' }));
    } finally {
      await bare.stop();
    }
  });
  return rows;
}

async function postgresRows(machine: MachineInfo, postgresUrl: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (wanted('B5') || wanted('B8')) await withServer({ postgresUrl }, async (server) => {
    const spaceId = server.member.readableSpaceId;
    const spaceRead = await captureQuery(server.databaseUrl!, server.world.accountId, (store) => store.spaces.find(spaceId));
    const bare = await startBareServer({ fixtures: {}, postgres: { url: server.databaseUrl!, spaceRead, bindingActorUserId: server.organizationAdmin.userId } }, SERVER_LAUNCHER);
    try {
      const peer = { url: `${bare.url}/pg/space`, text: 'bare Fastify route running the server\'s space read with `pg` (same statement, same bytes)' };
      if (wanted('B5')) rows.push(...await benchGetSpace({ machine, server, peer, withServiceKey: false, idSuffix: '-pg', target: 0.6 }));
      if (wanted('B8')) rows.push(await benchRoleBindingWrites({ machine, server, peerUrl: `${bare.url}/pg/role-bindings`, idSuffix: '-pg' }));
    } finally {
      await bare.stop();
    }
  });
  if (wanted('B7')) await withServer({ postgresUrl, sizes: DEEP_LIST_WORLD }, async (server) => {
    const pageOne = (await answer(usersPageOne(server))) as { pagination: { next_cursor: string } };
    const usersPage = {
      ...await captureQuery(server.databaseUrl!, server.world.accountId, (store) => store.users.list({ now: new Date().toISOString(), limit: PAGE_SIZE + 1 })),
      limit: PAGE_SIZE, nextCursor: pageOne.pagination.next_cursor,
    };
    const bare = await startBareServer({ fixtures: {}, postgres: { url: server.databaseUrl!, usersPage } }, SERVER_LAUNCHER);
    try {
      const peer = { url: `${bare.url}/pg/users`, text: `bare Fastify route running the server's page query with \`pg\` (same ${PAGE_SIZE} users, same bytes)` };
      rows.push(...await benchUsersList({ machine, server, peer, idSuffix: '-pg' }));
    } finally {
      await bare.stop();
    }
  });
  return rows;
}

async function withServer(options: Parameters<typeof startSeededServer>[0], run: (server: SeededServer) => Promise<void>): Promise<void> {
  const server = await startSeededServer({ ...options, launcher: SERVER_LAUNCHER });
  try {
    await run(server);
  } finally {
    await server.stop();
  }
}

/** What the subject answers to `target`: a GET, or a POST of a JSON body when it has one. */
export async function answer(target: LoadTarget): Promise<unknown> {
  const { method, headers } = methodAndHeaders(target);
  const res = await fetch(target.url, { method, headers, body: target.body?.() });
  if (!res.ok) throw new Error(`${method} ${target.url}: ${res.status}`);
  return res.json();
}
