import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { spawnServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { machineInfo, percentile, type BenchRow } from '../lib/harness.js';

const TRIALS = 50;
/** Phoenix documents a 10 s poll for seeing revocations elsewhere: the peer this row is compared with. */
const PHOENIX_POLL_MS = 10_000;

async function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * B11: two server processes on one PostgreSQL database (a fresh schema of `databaseUrl`). Each trial creates a
 * USER key on A, makes B cache it (one 200), revokes it on A and polls B until the first 401; the time runs from
 * sending the revoke. p99 over 50 trials.
 */
export async function runRevocationBench(databaseUrl: string): Promise<BenchRow> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dirs = await Promise.all([mkdtemp(join(tmpdir(), 'ax-b11-a-')), mkdtemp(join(tmpdir(), 'ax-b11-b-'))]);
  const adminKey = `ak-bench-admin-${randomBytes(12).toString('hex')}`;
  // A deployment's processes share the secrets that protect keys and tokens (each refuses a database set up with others).
  const shared = { AX_KEY_PEPPER: randomBytes(32).toString('hex'), AX_TOKEN_KEY: randomBytes(32).toString('hex'), AX_AUDIT_SIGNING_KEY: randomBytes(32).toString('hex') };
  const env = (dir: string) => ({
    DATABASE_URL: url.toString(), AX_DATA_DIR: dir, ARIZE_DIRECTORY: join(dir, 'arize'), AX_ADMIN_API_KEY: adminKey,
    AX_ADMIN_PASSWORD: 'bench-password-1234', AX_AUTH_FAILURE_LIMIT: '1000000', ...shared,
  });
  const started: ServerProcess[] = [];
  try {
    const a = await spawnServerProcess(env(dirs[0]!));
    started.push(a);
    const b = await spawnServerProcess(env(dirs[1]!));
    started.push(b);
    const times: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const created = await call(a.url, 'POST', '/v2/api-keys', adminKey, { key_type: 'USER', name: `b11-${trial}` });
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      if ((await call(b.url, 'GET', '/v2/me', created.body.key)).status !== 200) throw new Error('B did not accept the new key');
      const t0 = performance.now();
      const revoked = call(a.url, 'PUT', `/v2/api-keys/${encodeURIComponent(created.body.id)}/revoke`, adminKey);
      for (;;) {
        const status = (await call(b.url, 'GET', '/v2/me', created.body.key)).status;
        if (status === 401) break;
        if (status !== 200) throw new Error(`B answered ${status}`);
        if (performance.now() - t0 > 30_000) throw new Error('B still accepts a key revoked 30 s ago');
      }
      times.push(performance.now() - t0);
      if ((await revoked).status !== 204) throw new Error('revoke did not answer 204');
    }
    const p99 = percentile(times, 99);
    return {
      id: 'B11', subject: 'revoke on node A → first 401 on node B, p99', peer: 'Phoenix: documented 10 s poll',
      subject_value: p99, peer_value: PHOENIX_POLL_MS, ratio: p99 / PHOENIX_POLL_MS, target: '≤ 1 s p99, aim ≤ 250 ms',
      pass: p99 <= 1000, unit: 'ms', machine: machineInfo(),
      data: `PostgreSQL LISTEN/NOTIFY, 2 server processes on loopback, ${TRIALS} trials; p50 ${percentile(times, 50).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    };
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}
