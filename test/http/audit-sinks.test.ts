import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdir, mkdtemp, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forAccount } from '../../src/store/account-store.js';
import { createTestDatabase } from '../helpers/database.js';
import { spawnBuiltServerProcess } from '../helpers/server-process.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, audit sinks besides the webhook: a JSONL file (AX_AUDIT_FILE) and syslog (AX_AUDIT_SYSLOG, RFC 5424 over
 * UDP and TCP) get every entry as it commits, the record the webhook posts, in chain order, from the same outbox
 * (a cursor per sink); a renamed file (logrotate) is reopened, and an entry committed before kill -9 reaches the
 * file once a server is back.
 */
interface RecordLine { account_id: number; id: number; seq: number; hash: string; operation_name: string; truncated?: boolean }

/** An RFC 5424 message: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD BOM MSG`. */
const SYSLOG = /^<(\d+)>1 (\S+) (\S+) ax (\d+) audit - \uFEFF(.*)$/s;

function parseSyslog(text: string): { pri: number; time: string; record: RecordLine } {
  const match = SYSLOG.exec(text);
  if (!match) throw new Error(`not an RFC 5424 message of ax: ${text.slice(0, 120)}`);
  return { pri: Number(match[1]), time: match[2]!, record: JSON.parse(match[5]!) as RecordLine };
}

/** A real syslog receiver: UDP datagrams, or TCP with RFC 6587 octet counting. */
class SyslogReceiver {
  readonly messages: string[] = [];
  port = 0;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  readonly #sockets = new Set<Socket>();

  async startUdp(): Promise<void> {
    this.#udp = createSocket('udp4');
    this.#udp.on('message', (msg) => this.messages.push(msg.toString('utf8')));
    await new Promise<void>((resolve) => this.#udp!.bind(0, '127.0.0.1', resolve));
    this.port = this.#udp.address().port;
  }

  async startTcp(port = 0): Promise<void> {
    this.#tcp = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const space = buffer.indexOf(0x20);
          if (space < 0) return;
          const length = Number(buffer.subarray(0, space).toString('ascii'));
          if (buffer.length < space + 1 + length) return;
          this.messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
          buffer = buffer.subarray(space + 1 + length);
        }
      });
    });
    await new Promise<void>((resolve) => this.#tcp!.listen(port, '127.0.0.1', resolve));
    this.port = (this.#tcp.address() as AddressInfo).port;
  }

  records(): RecordLine[] {
    return this.messages.map((m) => parseSyslog(m).record);
  }

  async until(seq: number): Promise<void> {
    await waitFor(() => this.records().some((r) => r.seq === seq), () => `seq ${seq} never reached syslog; got ${this.records().map((r) => r.seq).join(',')}`);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => { if (this.#udp) this.#udp.close(() => resolve()); else resolve(); });
    await new Promise<void>((resolve) => { if (this.#tcp) this.#tcp.close(() => resolve()); else resolve(); });
  }
}

async function waitFor(done: () => boolean | Promise<boolean>, failure: () => string): Promise<void> {
  const since = Date.now();
  while (!(await done())) {
    if (Date.now() - since > 10_000) throw new Error(failure());
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function fileRecords(path: string): Promise<RecordLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as RecordLine);
}

const chainRows = (server: TestServer) => server.context!.store.db.selectFrom('audit_logs')
  .select(['id', 'chain_seq', 'chain_hash', 'operation_name']).orderBy('chain_seq').execute();

describe('audit sinks: a JSONL file, syslog over UDP and over TCP', () => {
  let dir: string;
  let file: string;
  let udp: SyslogReceiver;
  let tcp: SyslogReceiver;
  const servers: TestServer[] = [];
  const change = (server: TestServer, name: string) => server.api('POST', '/v2/organizations', { body: { name } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ax-audit-sinks-'));
    file = join(dir, 'audit.jsonl');
    udp = new SyslogReceiver();
    await udp.startUdp();
    tcp = new SyslogReceiver();
    await tcp.startTcp();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await udp?.close();
    await tcp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends every entry to the file (0600) as one JSON line, the webhook\'s record, in chain order', async () => {
    const server = await startTestServer({ env: { AX_AUDIT_FILE: file, AX_AUDIT_SYSLOG: `udp://127.0.0.1:${udp.port}` }, testClock: true });
    servers.push(server);
    for (let i = 0; i < 3; i++) expect((await change(server, `file-${i}`)).status).toBe(201);
    await waitFor(async () => (await fileRecords(file)).length >= 3, () => 'the file did not get 3 entries');
    const rows = await chainRows(server);
    const records = await fileRecords(file);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.hash)).toEqual(rows.map((r) => r.chain_hash));
    expect(records[0]).toEqual(expect.objectContaining({ account_id: 1, id: Number(rows[0]!.id), operation_name: 'POST /v2/organizations' }));
    expect(Object.keys(records[0]!).sort()).toEqual(['account_id', 'created_at', 'hash', 'id', 'ip', 'operation_name', 'operation_text', 'operation_type', 'seq', 'user_id', 'variables']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // The same entries went to syslog over UDP, one RFC 5424 message each (facility 13 "log audit", informational).
    await udp.until(3);
    const messages = udp.messages.map(parseSyslog);
    expect(messages.map((m) => m.record.seq)).toEqual([1, 2, 3]);
    expect(messages.map((m) => m.pri)).toEqual([110, 110, 110]);
    expect(messages.map((m) => m.record)).toEqual(records);
    // The message's time is the entry's own.
    expect(messages.map((m) => m.time)).toEqual(records.map((r) => (r as unknown as { created_at: string }).created_at));
  });

  it('reopens the file when it was rotated away (renamed, as logrotate does), losing and repeating nothing', async () => {
    const server = servers[0]!;
    await rename(file, `${file}.1`);
    for (let i = 0; i < 2; i++) expect((await change(server, `rotated-${i}`)).status).toBe(201);
    await waitFor(async () => (await fileRecords(file)).length >= 2, () => 'the new file did not get 2 entries');
    expect((await fileRecords(`${file}.1`)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect((await fileRecords(file)).map((r) => r.seq)).toEqual([4, 5]);
  });

  it('a sink that cannot be written holds back none of the others, and catches up in order once it can', async () => {
    const server = servers[0]!;
    await rename(file, `${file}.2`);
    await mkdir(file); // a directory where the file should be: every append fails
    for (let i = 0; i < 2; i++) expect((await change(server, `blocked-${i}`)).status).toBe(201);
    await udp.until(7);
    expect((await fileRecords(`${file}.2`)).map((r) => r.seq)).toEqual([4, 5]);
    await rmdir(file);
    // The failed sink waits for its retry time (1 s, doubling up to a minute): the clock moves past it, and the next
    // entry's commit starts a delivery at once, which appends what was missed first.
    await server.advanceClock(61_000);
    expect((await change(server, 'unblocked')).status).toBe(201);
    await waitFor(async () => (await fileRecords(file)).length >= 3, () => 'the file never caught up');
    expect((await fileRecords(file)).map((r) => r.seq)).toEqual([6, 7, 8]);
    await udp.until(8);
    expect([...new Set(udp.records().map((r) => r.seq))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sends RFC 5424 over TCP with octet counting, and reconnects after the receiver went away', async () => {
    const server = await startTestServer({ env: { AX_AUDIT_SYSLOG: `tcp://127.0.0.1:${tcp.port}` }, testClock: true });
    servers.push(server);
    // A request body with a newline and non-ASCII text: octet counting frames it whole.
    expect((await change(server, 'tcp-ünïcode\nline')).status).toBe(201);
    await tcp.until(1);
    expect(tcp.records()[0]).toMatchObject({ seq: 1, operation_name: 'POST /v2/organizations' });
    expect(tcp.records()[0]!.hash).toBe((await chainRows(server))[0]!.chain_hash);

    const port = tcp.port;
    await tcp.close();
    expect((await change(server, 'tcp-while-down')).status).toBe(201);
    const back = new SyslogReceiver();
    await back.startTcp(port);
    try {
      // Past the retry time of the failed send; the next entry's commit sends both.
      await server.advanceClock(61_000);
      expect((await change(server, 'tcp-back')).status).toBe(201);
      await back.until(3);
      expect([...new Set([...tcp.records(), ...back.records()].map((r) => r.seq))]).toEqual([1, 2, 3]);
    } finally {
      await back.close();
    }
  });

  it('sends an entry too large for one UDP datagram without its request text, marked truncated', async () => {
    const server = servers[0]!;
    const before = udp.records().length;
    // No request body the API takes is this large; the store's one audit writer is (a SCIM error can carry a big one).
    await forAccount(server.context!.store.db, 1).auditLogs.recordMutation({
      userId: 1, ip: '127.0.0.1', operation: 'POST /v2/large', text: JSON.stringify({ blob: 'x'.repeat(70_000) }), at: new Date().toISOString(),
    });
    // What a mutation's commit delivers to its own process: the stream sends the account's new entries at once.
    server.context!.changes.deliverHere({ accountId: 1 });
    await waitFor(() => udp.records().length > before, () => 'the large entry never reached syslog');
    const last = udp.records().at(-1)!;
    expect(last).toMatchObject({ truncated: true, operation_text: null, variables: null });
    expect(last.hash).toBe((await chainRows(server)).find((r) => Number(r.chain_seq) === last.seq)!.chain_hash);
  });
});

describe('audit file sink across a crash', () => {
  it('appends an entry committed before kill -9 once a server is back on the same database', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-file-sink-crash-'));
    const file = join(dataDir, 'audit.jsonl');
    const adminKey = `ak-file-crash-${randomBytes(8).toString('hex')}`;
    const env = {
      AX_DATA_DIR: dataDir, ARIZE_DIRECTORY: join(dataDir, 'arize'), DATABASE_URL: database.url ?? '', AX_ADMIN_API_KEY: adminKey, AX_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AX_AUDIT_FILE: file,
    };
    try {
      await mkdir(file); // committed, never delivered: the file cannot be opened
      const first = await spawnBuiltServerProcess(env);
      const res = await fetch(`${first.url}/v2/organizations`, {
        method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'before-crash' }),
      });
      expect(res.status).toBe(201);
      await first.kill();
      await rmdir(file);

      const second = await spawnBuiltServerProcess(env);
      try {
        await waitFor(async () => (await fileRecords(file)).length >= 1, () => 'the entry never reached the file');
        expect(await fileRecords(file)).toEqual([expect.objectContaining({ account_id: 1, seq: 1, operation_name: 'POST /v2/organizations' })]);
      } finally {
        await second.stop();
      }
    } finally {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('retention with a file sink', () => {
  it('archives no entry the file has not taken, and archives it once it has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ax-sink-retention-'));
    const file = join(dir, 'audit.jsonl');
    await mkdir(file); // the file sink cannot write
    const server = await startTestServer({ testClock: true, env: { AX_AUDIT_FILE: file, AX_AUDIT_RETENTION_DAYS: '1', AX_AUDIT_ARCHIVE_DIR: join(dir, 'archive') } });
    try {
      for (let i = 0; i < 2; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `kept-${i}` } })).status).toBe(201);
      await server.advanceClock(2 * 86_400_000);
      const held = await server.api('POST', '/v2/audit-logs/archive');
      expect(held.body).toMatchObject({ archived_through_seq: 0, entries_archived: 0 });

      await rmdir(file);
      await waitFor(async () => (await fileRecords(file)).length >= 2, () => 'the file never caught up');
      // The cursor moves just after the fsync: the archive follows as soon as it has.
      await expect.poll(async () => ((await server.api('POST', '/v2/audit-logs/archive')).body as { archived_through_seq: number }).archived_through_seq, { timeout: 5000 }).toBe(2);
      expect(await fileRecords(file)).toHaveLength(2);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
