import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointSigner, checkpointMessage, entryHash } from '../../src/domain/audit-chain.js';
import { encodeId } from '../../src/domain/ids.js';
import type { AuditLogRow } from '../../src/store/schema.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { openStore } from '../../src/store/database.js';
import { AuditLogRepository } from '../../src/store/repositories/audit-logs.js';
import { testBackend } from '../helpers/database.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, the tamper-evident audit log: every kind of edit made straight in the database (update, delete, insert,
 * reorder, truncate, a rewritten stretch with recomputed hashes, a forged checkpoint) is found by
 * GET /v2/audit-logs/verify, which names the first broken entry.
 */
let server: TestServer;
const db = () => server.context!.store.db;
const ACCOUNT = 1;

beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server?.close(); });

const verify = async (query = '') => {
  const res = await server.api('GET', `/v2/audit-logs/verify${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Json;
};
const chain = async (): Promise<AuditLogRow[]> =>
  (await db().selectFrom('audit_logs').selectAll().where('account_id', '=', ACCOUNT).orderBy('chain_seq').execute())
    .map((r) => ({ ...r, chain_seq: Number(r.chain_seq) }));
const checkpoint = async () => {
  const res = await server.api('POST', '/v2/audit-logs/checkpoints');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Json;
};
const changes = async (n: number) => {
  for (let i = 0; i < n; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `chain-org-${randomBytes(4).toString('hex')}` } })).status).toBe(201);
};

/** What an attacker who knows the (public) encoding can do: recompute every hash from `fromSeq` on, and the head. */
async function recomputeFrom(fromSeq: number): Promise<void> {
  const rows = await chain();
  let prev = fromSeq === 1 ? '0'.repeat(64) : rows.find((r) => r.chain_seq === fromSeq - 1)!.chain_hash!;
  for (const row of rows.filter((r) => r.chain_seq! >= fromSeq)) {
    prev = entryHash(prev, {
      account_id: ACCOUNT, seq: row.chain_seq!, created_at: row.created_at, user_id: row.user_id, ip: row.ip, operation_type: row.operation_type,
      operation_name: row.operation_name, operation_text: row.operation_text, variables: row.variables,
    });
    await db().updateTable('audit_logs').set({ chain_hash: prev }).where('id', '=', row.id).execute();
  }
  await db().updateTable('audit_chain_heads').set({ hash: prev }).where('account_id', '=', ACCOUNT).execute();
}

describe('GET /v2/audit-logs/verify', () => {
  let saved: { rows: AuditLogRow[]; heads: Json[]; checkpoints: Json[] };

  beforeAll(async () => {
    await changes(8);
    saved = {
      rows: await db().selectFrom('audit_logs').selectAll().execute(),
      heads: await db().selectFrom('audit_chain_heads').selectAll().execute(),
      checkpoints: await db().selectFrom('audit_checkpoints').selectAll().execute(),
    };
  });

  // Each case tampers with the same chain of 8+ entries: put it back as it was.
  beforeEach(async () => {
    await db().deleteFrom('audit_checkpoints').execute();
    await db().deleteFrom('audit_logs').execute();
    await db().deleteFrom('audit_chain_heads').execute();
    await db().insertInto('audit_logs').values(saved.rows).execute();
    await db().insertInto('audit_chain_heads').values(saved.heads).execute();
    if (saved.checkpoints.length > 0) await db().insertInto('audit_checkpoints').values(saved.checkpoints).execute();
  });

  it('holds for the chain as written, and each entry is the SHA-256 of the documented encoding', async () => {
    const rows = await chain();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.map((r) => r.chain_seq)).toEqual(rows.map((_, i) => i + 1));
    // docs/audit.md, recomputed by hand: hex(SHA-256(JSON array)), the previous hash inside the array.
    let prev = '0'.repeat(64);
    for (const r of rows) {
      const text = JSON.stringify(['ax-audit-v1', ACCOUNT, r.chain_seq, prev, r.created_at, r.user_id, r.ip, r.operation_type, r.operation_name, r.operation_text, r.variables]);
      prev = createHash('sha256').update(text).digest('hex');
      expect(r.chain_hash).toBe(prev);
    }
    const result = await verify();
    expect(result).toMatchObject({ valid: true, entries_checked: rows.length, head_seq: rows.length, head_hash: prev, trusted_through_seq: 0 });
    expect(result.first_broken).toBeUndefined();
    expect(result.public_key).toBe(new CheckpointSigner(server.context!.secrets.auditSigningKey).publicKeyBase64);
  });

  it('names an edited entry (update of its content)', async () => {
    const third = (await chain())[2]!;
    await db().updateTable('audit_logs').set({ operation_name: 'DELETE /v2/nothing-happened' }).where('id', '=', third.id).execute();
    expect((await verify()).first_broken).toMatchObject({ entry_id: encodeId('AuditLog', third.id), seq: 3, reason: expect.stringMatching(/changed/) });
    // The time is covered too.
    await db().updateTable('audit_logs').set({ operation_name: third.operation_name, created_at: '2001-01-01T00:00:00.000Z' }).where('id', '=', third.id).execute();
    expect((await verify()).first_broken).toMatchObject({ seq: 3 });
  });

  it('names the entry after a deleted one', async () => {
    const rows = await chain();
    await db().deleteFrom('audit_logs').where('id', '=', rows[3]!.id).execute();
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.first_broken).toMatchObject({ entry_id: encodeId('AuditLog', rows[4]!.id), seq: 5, reason: 'the entry before it (seq 4) is missing' });
  });

  it('names reordered entries (ids swapped, so that the list shows them in another order)', async () => {
    const rows = await chain();
    const [a, b] = [rows[4]!, rows[5]!];
    await db().updateTable('audit_logs').set({ id: 1_000_000 }).where('id', '=', a.id).execute();
    await db().updateTable('audit_logs').set({ id: a.id }).where('id', '=', b.id).execute();
    await db().updateTable('audit_logs').set({ id: b.id }).where('id', '=', 1_000_000).execute();
    expect((await verify()).first_broken).toMatchObject({ entry_id: encodeId('AuditLog', a.id), seq: 6, reason: expect.stringMatching(/reordered/) });
  });

  it('names entries moved to other places (chain_seq swapped)', async () => {
    const rows = await chain();
    await db().updateTable('audit_logs').set({ chain_seq: 1_000_000 }).where('id', '=', rows[1]!.id).execute();
    await db().updateTable('audit_logs').set({ chain_seq: 2 }).where('id', '=', rows[2]!.id).execute();
    await db().updateTable('audit_logs').set({ chain_seq: 3 }).where('id', '=', rows[1]!.id).execute();
    expect((await verify()).first_broken).toMatchObject({ entry_id: encodeId('AuditLog', rows[2]!.id), seq: 2 });
  });

  it('names an inserted entry: one without a place, one with a forged hash in the middle, one appended past the head', async () => {
    const rows = await chain();
    const fake = { account_id: ACCOUNT, user_id: rows[0]!.user_id, ip: '203.0.113.66', operation_type: 'MUTATION' as const, operation_name: 'POST /v2/nothing', operation_text: null, variables: null, created_at: rows[0]!.created_at };
    const { id } = await db().insertInto('audit_logs').values({ ...fake, chain_seq: null, chain_hash: null }).returning('id').executeTakeFirstOrThrow();
    expect((await verify()).first_broken).toMatchObject({ entry_id: encodeId('AuditLog', id), reason: expect.stringMatching(/no place in the chain/) });
    await db().deleteFrom('audit_logs').where('id', '=', id).execute();

    // Squeezed in at place 4: the entries from 4 on move up one place.
    await db().updateTable('audit_logs').set((eb) => ({ chain_seq: eb('chain_seq', '+', 1_000_000) })).where('chain_seq', '>=', 4).execute();
    await db().updateTable('audit_logs').set((eb) => ({ chain_seq: eb('chain_seq', '-', 999_999) })).where('chain_seq', '>=', 1_000_000).execute();
    const inserted = await db().insertInto('audit_logs').values({ ...fake, chain_seq: 4, chain_hash: rows[3]!.chain_hash }).returning('id').executeTakeFirstOrThrow();
    const result = await verify();
    expect(result.first_broken).toMatchObject({ entry_id: encodeId('AuditLog', inserted.id), seq: 4 });
  });

  it('finds entries appended around the writer: the recorded end does not match', async () => {
    const rows = await chain();
    const last = rows.at(-1)!;
    const values = { account_id: ACCOUNT, user_id: last.user_id, ip: '203.0.113.66', operation_type: 'MUTATION' as const, operation_name: 'POST /v2/nothing', operation_text: null, variables: null, created_at: last.created_at };
    const seq = last.chain_seq! + 1;
    await db().insertInto('audit_logs').values({ ...values, chain_seq: seq, chain_hash: entryHash(last.chain_hash!, { ...values, seq }) }).execute();
    expect((await verify()).first_broken).toMatchObject({ reason: 'the recorded end of the chain does not match its last entry' });
  });

  it('finds a truncated log: every entry gone (the head still names the end)', async () => {
    const rows = await chain();
    await db().deleteFrom('audit_logs').where('account_id', '=', ACCOUNT).execute();
    expect((await verify()).first_broken).toMatchObject({ seq: 1, reason: `the entries from seq 1 to ${rows.length} (the recorded end of the chain) are missing` });
  });

  it('finds the end cut off and the head rewound to match, through the signed checkpoint', async () => {
    const rows = await chain();
    await checkpoint();
    const keep = rows.length - 3;
    await db().deleteFrom('audit_logs').where('chain_seq', '>', keep).execute();
    await db().updateTable('audit_chain_heads').set({ seq: keep, hash: rows[keep - 1]!.chain_hash! }).where('account_id', '=', ACCOUNT).execute();
    expect((await verify()).first_broken).toMatchObject({ seq: keep + 1, reason: expect.stringMatching(/signed by a checkpoint\) are missing/) });
  });

  it('finds a stretch rewritten with recomputed hashes through the checkpoint after it, naming where the stretch can start', async () => {
    const rows = await chain();
    await db().deleteFrom('audit_logs').where('chain_seq', '>', 3).execute();
    await db().updateTable('audit_chain_heads').set({ seq: 3, hash: rows[2]!.chain_hash! }).where('account_id', '=', ACCOUNT).execute();
    await checkpoint(); // at seq 3
    await db().insertInto('audit_logs').values(rows.slice(3)).execute();
    await db().updateTable('audit_chain_heads').set({ seq: rows.length, hash: rows.at(-1)!.chain_hash! }).where('account_id', '=', ACCOUNT).execute();
    await checkpoint(); // at the end
    expect((await verify()).valid).toBe(true);

    await db().updateTable('audit_logs').set({ ip: '198.51.100.1' }).where('id', '=', rows[5]!.id).execute();
    await recomputeFrom(6);
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.first_broken).toMatchObject({ seq: 4, reason: `the checkpoint at seq ${rows.length} signed another hash: an entry from seq 4 to ${rows.length} was changed and the hashes after it recomputed` });
    // Without the checkpoint, the rewrite would pass: the signature is what the database cannot forge.
    await db().deleteFrom('audit_checkpoints').where('seq', '=', rows.length).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('refuses a checkpoint signed by another key', async () => {
    const rows = await chain();
    const forger = new CheckpointSigner(randomBytes(32));
    const last = rows.at(-1)!;
    const createdAt = new Date().toISOString();
    await db().insertInto('audit_checkpoints').values({
      account_id: ACCOUNT, seq: last.chain_seq!, hash: last.chain_hash!, key_id: forger.keyId, created_at: createdAt,
      signature: forger.sign(checkpointMessage({ account_id: ACCOUNT, seq: last.chain_seq!, hash: last.chain_hash!, created_at: createdAt })),
    }).execute();
    const result = await verify();
    expect(result).toMatchObject({ valid: false, checkpoints_checked: 0 });
    expect(result.first_broken.reason).toMatch(/not signed by this server's audit key/);
  });

  it('from_checkpoint=true trusts the signed prefix and re-reads only the entries after it', async () => {
    const rows = await chain();
    const signed = await checkpoint();
    expect(signed).toMatchObject({ seq: rows.length, hash: rows.at(-1)!.chain_hash });
    await changes(2);
    const full = await verify();
    expect(full).toMatchObject({ valid: true, entries_checked: rows.length + 2, checkpoints_checked: 1 });
    const fromCheckpoint = await verify('?from_checkpoint=true');
    expect(fromCheckpoint).toMatchObject({ valid: true, entries_checked: 2, trusted_through_seq: rows.length });
    // A signed prefix is trusted: an edit inside it is found by the full walk only.
    await db().updateTable('audit_logs').set({ ip: '198.51.100.2' }).where('id', '=', rows[0]!.id).execute();
    expect((await verify('?from_checkpoint=true')).valid).toBe(true);
    expect((await verify()).first_broken).toMatchObject({ seq: 1 });
  });

  it('chains entries written outside a change\'s transaction (the OAuth and SCIM writers) like the others', async () => {
    await new AuditLogRepository(db(), ACCOUNT).recordMutation({ userId: null, ip: '127.0.0.1', operation: 'SCIM_TEST', at: new Date().toISOString() });
    const last = (await chain()).at(-1)!;
    expect(last.operation_name).toBe('SCIM_TEST');
    expect((await verify()).valid).toBe(true);
  });
});

describe('the audit chain endpoints', () => {
  it('is for account admins only', async () => {
    const member = await createUserWithKey(server, { email: 'chain-member@example.com', role: 'MEMBER' });
    expect((await server.api('GET', '/v2/audit-logs/verify', { key: member.key })).status).toBe(403);
    expect((await server.api('POST', '/v2/audit-logs/checkpoints', { key: member.key })).status).toBe(403);
    expect((await server.api('GET', '/v2/audit-logs/verify?from_checkpoint=maybe')).status).toBe(400);
  });

  it('hashes any text as entryHash does, from an account\'s first entry on (PostgreSQL hashes in the database)', async () => {
    const account = (await db().insertInto('accounts').values({ name: 'chain-text', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
    const texts = ['quote " backslash \\ controls \b\f\n\r\t\u0001\u001f\u007f', 'é 中 😀 \u2028\u2029', 'lone \uD800 surrogate', null];
    for (const [i, text] of texts.entries()) {
      await new AuditLogRepository(db(), account).recordMutation({
        userId: null, ip: '127.0.0.1', operation: `TEXT_${i} "é"`, text: text ?? undefined, variables: '{"a":"\\n"}', at: new Date().toISOString(),
      });
    }
    const rows = await db().selectFrom('audit_logs').selectAll().where('account_id', '=', account).orderBy('chain_seq').execute();
    expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4]);
    expect(rows[2]!.operation_text).toBe('lone \uFFFD surrogate');
    let prev = '0'.repeat(64);
    for (const r of rows) {
      prev = entryHash(prev, {
        account_id: account, seq: Number(r.chain_seq), created_at: r.created_at, user_id: r.user_id, ip: r.ip, operation_type: r.operation_type,
        operation_name: r.operation_name, operation_text: r.operation_text, variables: r.variables,
      });
      expect(r.chain_hash).toBe(prev);
    }
    expect(await new AuditLogRepository(db(), account).head()).toEqual({ seq: 4, hash: prev });
  });

  it.skipIf(testBackend !== 'postgres')('never forks under writers on separate connection pools that bypass every other lock', async () => {
    // The OAuth and SCIM writers take no lock but the chain head's; 2 pools × 40 writers, all at once.
    const other = openStore({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
    try {
      const before = (await verify()).entries_checked as number;
      await Promise.all(Array.from({ length: 80 }, (_, i) => new AuditLogRepository(i % 2 === 0 ? db() : other.db, ACCOUNT)
        .recordMutation({ userId: null, ip: '127.0.0.1', operation: `RACE_${i}`, at: new Date().toISOString() })));
      expect(await verify()).toMatchObject({ valid: true, entries_checked: before + 80, head_seq: before + 80 });
    } finally {
      await other.close();
    }
  });

});
