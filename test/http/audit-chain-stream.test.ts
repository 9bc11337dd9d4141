import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { spawnBuiltServerProcess } from '../helpers/server-process.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, audit streaming: every entry reaches the operator's webhook (AX_AUDIT_WEBHOOK_URL) as it commits, signed
 * with an HMAC of AX_AUDIT_WEBHOOK_SECRET, in chain order per account, at least once; a sink that fails is retried,
 * and an entry committed just before the server is killed (kill -9) arrives once a server is back.
 */
const SECRET = randomBytes(24).toString('hex');

interface Delivery { account_id: number; entries: { seq: number; hash: string; operation_name: string }[] }

/** A real HTTP listener standing for the operator's sink: checks each signature, answers `status()`. */
class Sink {
  readonly deliveries: Delivery[] = [];
  status = 200;
  badSignatures = 0;
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
        if (req.headers['x-ax-signature'] !== expected) this.badSignatures++;
        if (this.status === 200) this.deliveries.push(JSON.parse(body) as Delivery);
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/audit`;
  }

  /** The seqs delivered for account 1, in arrival order (duplicates kept: delivery is at least once). */
  seqs(): number[] {
    return this.deliveries.filter((d) => d.account_id === 1).flatMap((d) => d.entries.map((e) => e.seq));
  }

  /** Waits (polling, up to 10 s) until `seq` has arrived. */
  async until(seq: number): Promise<void> {
    const since = Date.now();
    while (!this.seqs().includes(seq)) {
      if (Date.now() - since > 10_000) throw new Error(`seq ${seq} never arrived; got ${this.seqs().join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => { this.#server?.close(() => resolve()); });
  }
}

describe('audit streaming to a webhook', () => {
  let sink: Sink;
  let server: TestServer;
  beforeAll(async () => {
    sink = new Sink();
    await sink.start();
    server = await startTestServer({ env: { AX_AUDIT_WEBHOOK_URL: sink.url, AX_AUDIT_WEBHOOK_SECRET: SECRET }, testClock: true });
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  it('posts every entry as it commits, signed, in chain order, with the hash the chain holds', async () => {
    for (let i = 0; i < 3; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `stream-${i}` } })).status).toBe(201);
    await sink.until(3);
    expect(sink.seqs()).toEqual([1, 2, 3]);
    expect(sink.badSignatures).toBe(0);
    const rows = await server.context!.store.db.selectFrom('audit_logs').select(['chain_seq', 'chain_hash']).orderBy('chain_seq').execute();
    expect(sink.deliveries.flatMap((d) => d.entries.map((e) => e.hash))).toEqual(rows.map((r) => r.chain_hash));
    expect(sink.deliveries[0]!.entries[0]).toMatchObject({ operation_name: 'POST /v2/organizations' });
  });

  it('retries a failing sink and then delivers what it missed, in order, with no gap', async () => {
    sink.status = 503;
    for (let i = 0; i < 2; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `stream-down-${i}` } })).status).toBe(201);
    sink.status = 200;
    // The failed delivery waits for its retry time (1 s, doubling up to a minute). The clock moves past it; then the
    // next entry's commit starts a delivery at once, which sends what was missed first.
    await server.advanceClock(61_000);
    expect((await server.api('POST', '/v2/organizations', { body: { name: 'stream-back' } })).status).toBe(201);
    await sink.until(6);
    const seqs = sink.seqs();
    expect([...new Set(seqs)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('audit streaming across a crash', () => {
  it('delivers an entry committed before kill -9 once a server is back on the same database', { timeout: 120_000 }, async () => {
    const sink = new Sink();
    await sink.start();
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-stream-crash-'));
    const adminKey = `ak-stream-crash-${randomBytes(8).toString('hex')}`;
    const env = {
      AX_DATA_DIR: dataDir, ARIZE_DIRECTORY: join(dataDir, 'arize'), DATABASE_URL: database.url ?? '', AX_ADMIN_API_KEY: adminKey, AX_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AX_AUDIT_WEBHOOK_URL: sink.url, AX_AUDIT_WEBHOOK_SECRET: SECRET,
    };
    try {
      sink.status = 503; // committed, never delivered
      const first = await spawnBuiltServerProcess(env);
      const res = await fetch(`${first.url}/v2/organizations`, {
        method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'before-crash' }),
      });
      expect(res.status).toBe(201);
      await first.kill();
      expect(sink.seqs()).toEqual([]);

      sink.status = 200;
      const second = await spawnBuiltServerProcess(env);
      try {
        await sink.until(1);
        expect(sink.deliveries[0]!.entries[0]).toMatchObject({ seq: 1, operation_name: 'POST /v2/organizations' });
        expect(sink.badSignatures).toBe(0);
      } finally {
        await second.stop();
      }
    } finally {
      await sink.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
