import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { generateKey } from '../../src/keys/key-format.js';
import { type BenchRow, machineInfo } from '../lib/harness.js';

/**
 * B5–B8: the real server (built code, its own process) beside a bare Fastify process, both driven by
 * autocannon on loopback from this process, alternating subject and peer, median of the runs.
 */
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const USERS = 100_000;

interface Started { url: string; stop(): Promise<void> }

async function startProcess(script: string, env: Record<string, string>): Promise<Started> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, AX_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) resolve(parsed.url);
      } catch { /* a log line */ }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function load(url: string, headers: Record<string, string>, options: { rate?: number; method?: string; body?: () => string } = {}) {
  let n = 0;
  const result = await autocannon({
    url, connections: 64, pipelining: 1, duration: DURATION_S, headers,
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(options.method ? { method: options.method as 'POST' } : {}),
    ...(options.body ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: options.body!(), headers: { ...headers, 'content-type': 'application/json' } }) }] } : {}),
  });
  n = result.non2xx;
  if (n > 0) throw new Error(`${url}: ${n} non-2xx answers`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Seeds the subject's SQLite file: one organization and space, and 100k users for the deep-list row. */
function seed(dbFile: string): { spaceId: string; userIds: number[] } {
  const db = new SQLite(dbFile);
  const now = new Date().toISOString();
  const org = db.prepare("insert into organizations (account_id, name, description, created_at, updated_at) values (1, 'bench-org', '', ?, ?)").run(now, now);
  const space = db.prepare("insert into spaces (account_id, organization_id, name, description, is_private, created_at, updated_at) values (1, ?, 'bench-space', 'the space every GET reads', 0, ?, ?)").run(org.lastInsertRowid, now, now);
  const insert = db.prepare("insert into users (account_id, name, email, email_lower, role, status, is_developer, is_bot, must_change_password, created_at, updated_at) values (1, ?, ?, ?, 'MEMBER', 'ACTIVE', 1, 0, 0, ?, ?)");
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const email = `user${i}@bench.example`;
      ids.push(Number(insert.run(`User ${i}`, email, email, now, now).lastInsertRowid));
    }
  })();
  db.close();
  return { spaceId: Buffer.from(`Space:${space.lastInsertRowid}`).toString('base64'), userIds: ids };
}

/** Raw better-sqlite3 autocommit inserts, the B8 peer. */
function rawInsertRate(dir: string): number {
  const db = new SQLite(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, a integer, b integer, c text)');
  const stmt = db.prepare('insert into t (a, b, c) values (?, ?, ?)');
  const n = 20_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) stmt.run(i, i, new Date().toISOString());
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return n / s;
}

export async function runHttpBenches(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-http-'));
  const adminKey = generateKey().raw;
  const subject = await startProcess('bench/http/subject-server.ts', { AX_DATA_DIR: dir, AX_ADMIN_API_KEY: adminKey, AX_ADMIN_PASSWORD: 'bench-password-1234', ARIZE_DIRECTORY: join(dir, 'arize'), DATABASE_URL: '' });
  const { spaceId, userIds } = seed(join(dir, 'ax.db'));
  const auth = { authorization: `Bearer ${adminKey}` };
  const spaceUrl = `${subject.url}/v2/spaces/${encodeURIComponent(spaceId)}`;
  const spaceJson = await (await fetch(spaceUrl, { headers: auth })).text();
  const bare = await startProcess('bench/http/bare-server.ts', { BARE_SPACE_JSON: spaceJson });
  const machine = machineInfo();
  const rows: BenchRow[] = [];
  try {
    // B5: saturation throughput, alternating A/B/A/B after one warm-up each.
    await load(spaceUrl, auth);
    await load(`${bare.url}/space`, {});
    const subj: { rps: number; p99: number }[] = [];
    const peer: { rps: number; p99: number }[] = [];
    for (let i = 0; i < 2; i++) {
      subj.push(await load(spaceUrl, auth));
      peer.push(await load(`${bare.url}/space`, {}));
    }
    const sRps = median(subj.map((r) => r.rps));
    const pRps = median(peer.map((r) => r.rps));
    const data = `1 space, ${USERS} users, SQLite; autocannon -c 64 -p 1, ${DURATION_S} s runs`;
    rows.push({ id: 'B5', subject: 'GET /v2/spaces/{id} (auth + check)', peer: 'bare Fastify route', subject_value: sRps, peer_value: pRps, ratio: sRps / pRps, target: '≥ 0.60', pass: sRps / pRps >= 0.6, unit: 'req/s', machine, data });

    // B6: latency at half of bare Fastify's max rate.
    const rate = Math.round(pRps / 2);
    const sLat = await load(spaceUrl, auth, { rate });
    const pLat = await load(`${bare.url}/space`, {}, { rate });
    rows.push({ id: 'B6', subject: `GET /v2/spaces/{id} p99 at ${rate} req/s`, peer: 'bare Fastify p99, same rate', subject_value: sLat.p99, peer_value: pLat.p99, ratio: sLat.p99 / Math.max(pLat.p99, 1), target: '≤ 2', pass: sLat.p99 / Math.max(pLat.p99, 1) <= 2, unit: 'ms', machine, data });

    // B7: page 1 vs page 1000 of GET /v2/users?limit=100 (keyset), and page-1 throughput vs a big bare JSON.
    let cursor: string | undefined;
    for (let page = 1; page < 1000; page++) {
      const res = (await (await fetch(`${subject.url}/v2/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth })).json()) as { pagination: { next_cursor?: string } };
      cursor = res.pagination.next_cursor;
    }
    const page1 = `${subject.url}/v2/users?limit=100`;
    const page1000 = `${page1}&cursor=${encodeURIComponent(cursor!)}`;
    const p1 = await load(page1, auth);
    const p1000 = await load(page1000, auth);
    const big = await load(`${bare.url}/big`, {});
    const deepData = `${userIds.length} users, limit=100, SQLite`;
    rows.push({ id: 'B7', subject: 'GET /v2/users page 1000 latency (mean via req/s)', peer: 'page 1', subject_value: 1000 / p1000.rps, peer_value: 1000 / p1.rps, ratio: p1.rps / p1000.rps, target: '≤ 1.2', pass: p1.rps / p1000.rps <= 1.2, unit: 'ms/req', machine, data: deepData });
    rows.push({ id: 'B7b', subject: 'GET /v2/users page 1 req/s', peer: 'bare Fastify, 200-object JSON', subject_value: p1.rps, peer_value: big.rps, ratio: p1.rps / big.rps, target: '≥ 0.5', pass: p1.rps / big.rps >= 0.5, unit: 'req/s', machine, data: deepData });

    // B8: POST /v2/role-bindings (binding + audit row in one transaction) vs raw autocommit inserts.
    const roleId = Buffer.from('Role:3').toString('base64'); // the account's predefined READ_ONLY row
    let next = 0;
    const writes = await load(`${subject.url}/v2/role-bindings`, auth, {
      method: 'POST',
      body: () => JSON.stringify({ user_id: Buffer.from(`User:${userIds[next++ % userIds.length]}`).toString('base64'), role_id: roleId, resource_type: 'SPACE', resource_id: spaceId }),
    });
    const raw = rawInsertRate(dir);
    rows.push({ id: 'B8', subject: 'POST /v2/role-bindings (binding + audit row, one transaction)', peer: 'raw better-sqlite3 autocommit insert', subject_value: writes.rps, peer_value: raw, ratio: writes.rps / raw, target: '≥ 0.25', pass: writes.rps / raw >= 0.25, unit: 'ops/s', machine, data: `SQLite WAL synchronous=NORMAL, ${userIds.length} users` });
  } finally {
    await subject.stop();
    await bare.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
