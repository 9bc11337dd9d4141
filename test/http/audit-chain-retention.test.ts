import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveMessage, entryHash } from '../../src/domain/audit-chain.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, retention: entries older than AX_AUDIT_RETENTION_DAYS leave the database for a JSONL file that carries
 * their chain proof (the hash before them, every entry with its hash, a signature over the last one), never deleted
 * silently; the chain in the database then starts after a signed marker, and verifies.
 */
const DAY = 86_400_000;
let server: TestServer;
let archiveDir: string;

beforeAll(async () => {
  archiveDir = await mkdtemp(join(tmpdir(), 'ax-audit-archive-'));
  server = await startTestServer({ testClock: true, env: { AX_AUDIT_RETENTION_DAYS: '30', AX_AUDIT_ARCHIVE_DIR: archiveDir } });
});
afterAll(async () => {
  await server?.close();
  if (archiveDir) await rm(archiveDir, { recursive: true, force: true });
});

const db = () => server.context!.store.db;
const changes = async (prefix: string, n: number) => {
  for (let i = 0; i < n; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `${prefix}-${i}` } })).status).toBe(201);
};
const verifyChain = async () => (await server.api('GET', '/v2/audit-logs/verify')).body as Json;
const archive = async () => {
  const res = await server.api('POST', '/v2/audit-logs/archive');
  return { status: res.status, body: res.body as Json };
};

/** An outside verifier's check of an archive file: the documented encoding and an Ed25519 signature, nothing of ours. */
function checkArchive(text: string, publicKeyBase64: string): { lastHash: string; entries: number } {
  const [header, ...rest] = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Json);
  const trailer = rest.pop();
  expect(header).toMatchObject({ type: 'header', encoding: 'ax-audit-v1', account_id: 1 });
  let prev = header.prev_hash as string;
  let seq = header.from_seq as number;
  for (const e of rest) {
    expect(e).toMatchObject({ type: 'entry', seq });
    prev = entryHash(prev, e);
    expect(e.hash).toBe(prev);
    seq += 1;
  }
  expect(trailer).toMatchObject({ type: 'archive', seq: header.to_seq, hash: prev, public_key: publicKeyBase64 });
  const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyBase64, 'base64')]), format: 'der', type: 'spki' });
  expect(verify(null, archiveMessage({ account_id: 1, seq: trailer.seq, hash: prev }), key, Buffer.from(trailer.signature, 'base64'))).toBe(true);
  return { lastHash: prev, entries: rest.length };
}

describe('audit retention', () => {
  it('archives what is older than the retention with its chain proof, and the chain left in the database still verifies', async () => {
    await changes('old', 3);
    expect(await archive()).toMatchObject({ status: 200, body: { archived_through_seq: 0, entries_archived: 0 } });

    await server.advanceClock(31 * DAY);
    await changes('new', 2);
    const first = await archive();
    expect(first).toMatchObject({ status: 200, body: { archived_through_seq: 3, entries_archived: 3, file: 'account-1/000000000001-000000000003.jsonl' } });
    const path = join(archiveDir, first.body.file);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    const result = await verifyChain();
    expect(result).toMatchObject({ valid: true, archived_through_seq: 3, trusted_through_seq: 3, entries_checked: 2, head_seq: 5 });
    const proof = checkArchive(await readFile(path, 'utf8'), result.public_key);
    expect(proof.entries).toBe(3);
    // The database's chain continues from the archive's last hash.
    const fourth = await db().selectFrom('audit_logs').selectAll().where('chain_seq', '=', 4).executeTakeFirstOrThrow();
    expect(entryHash(proof.lastHash, { ...fourth, account_id: 1, seq: 4 })).toBe(fourth.chain_hash);
    expect(await db().selectFrom('audit_logs').select('id').where('chain_seq', '<=', 3).execute()).toEqual([]);

    // Nothing more to archive until more time passes; then the next file starts where the last one ended.
    expect((await archive()).body).toMatchObject({ archived_through_seq: 3, entries_archived: 0 });
    await server.advanceClock(31 * DAY);
    const second = await archive();
    expect(second.body).toMatchObject({ archived_through_seq: 5, entries_archived: 2, file: 'account-1/000000000004-000000000005.jsonl' });
    const next = (await readFile(join(archiveDir, second.body.file), 'utf8')).split('\n')[0]!;
    expect(JSON.parse(next).prev_hash).toBe(proof.lastHash);
    expect(await verifyChain()).toMatchObject({ valid: true, archived_through_seq: 5, entries_checked: 0, head_seq: 5 });
  });

  it('finds entries deleted as if archived: without the signed marker, or with a forged one', async () => {
    await changes('later', 2);
    const marker = await db().selectFrom('server_settings').selectAll().where('name', '=', 'audit_archive:1').executeTakeFirstOrThrow();
    const parsed = JSON.parse(marker.value) as Json;
    await db().updateTable('server_settings').set({ value: JSON.stringify({ ...parsed, seq: parsed.seq + 1 }) }).where('name', '=', marker.name).execute();
    expect((await verifyChain()).first_broken).toMatchObject({ seq: 1, reason: expect.stringMatching(/archive marker .* not signed/) });
    await db().deleteFrom('server_settings').where('name', '=', marker.name).execute();
    expect((await verifyChain()).first_broken).toMatchObject({ seq: 6, reason: 'the entries before it (seq 1 to 5) are missing' });
    await db().insertInto('server_settings').values(marker).execute();
    expect((await verifyChain()).valid).toBe(true);
  });

  it('never archives a broken chain: the entries stay, and the answer says to verify', async () => {
    await server.advanceClock(31 * DAY);
    const sixth = await db().selectFrom('audit_logs').select('id').where('chain_seq', '=', 6).executeTakeFirstOrThrow();
    await db().updateTable('audit_logs').set({ ip: '198.51.100.9' }).where('id', '=', sixth.id).execute();
    const res = await archive();
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/broken at seq 6.*nothing was archived/);
    expect((await db().selectFrom('audit_logs').select('id').where('chain_seq', '>=', 6).execute()).length).toBe(2);
  });

  it('is refused (422) on a server without a retention, and to people other than account admins (403)', async () => {
    const member = await createUserWithKey(server, { email: 'archive-member@example.com' });
    expect((await server.api('POST', '/v2/audit-logs/archive', { key: member.key })).status).toBe(403);
    const plain = await startTestServer();
    try {
      const res = await plain.api('POST', '/v2/audit-logs/archive');
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/AX_AUDIT_RETENTION_DAYS/);
    } finally {
      await plain.close();
    }
  });
});
