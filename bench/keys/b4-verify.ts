import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { digestKey, generateKey, KeyVerifier } from '../../src/keys/index.js';
import { createAccount } from '../../src/services/accounts.js';
import { openStore } from '../../src/store/database.js';
import { KeyRecords } from '../../src/store/key-records.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { alternate, percentile, rateAsync, type BenchRow, type MachineInfo } from '../lib/harness.js';

const KEYS = 20_000;
const USERS = 1_000;
const BUDGET_MS = 100;
const ROUNDS = 5;
const SAMPLES = 10_000;

/**
 * What a cache hit computes, in order (src/keys/key-verifier.ts, key-format.ts, key-digest.ts): the format check
 * (length; CRC-32 of the 59 characters before the checksum, compared as a number with the 6 base62 checksum
 * digits; prefix, dash and base62 alphabet; the 12-character public id sliced out), the clock read, one Map
 * lookup by public id (with the 60 s TTL test), an unkeyed SHA-256 of the raw key in hex compared in constant
 * time (a 64-character XOR loop) with the fingerprint cached when the key's HMAC was first checked, the
 * status/expiry/active-user tests on the cached record, the once-a-minute last_used_at throttle test, and the
 * prebuilt result returned. No HMAC: HMAC-SHA-256 with the server pepper runs only on a key's first
 * verification after a (re)load, i.e. on a cache miss.
 */
const HOT_PATH = 'format check (length, CRC-32 against the checksum digits, shape), clock read, Map lookup by public id, '
  + 'SHA-256 of the key (hex) compared in constant time with the fingerprint cached after the first HMAC check, '
  + 'status/expiry/user tests, last_used_at throttle test; no HMAC (that runs on a cache miss only)';

/**
 * What a bad-checksum reject computes: the length test, the CRC-32 of the first 59 characters and the checksum
 * digits' value, and the shared MALFORMED answer; no hash, no lookup, nothing allocated but verify()'s promise.
 * Only while imported keys exist (AX_ADMIN_API_KEY given in a foreign format) does a string that fails the format
 * cost an HMAC, to look up its import id; this bench has none.
 */
const REJECT_PATH = 'length test, CRC-32 of the first 59 characters against the 6 checksum digits, the shared "malformed" '
  + 'answer: no hash, no lookup (no imported keys: with AX_ADMIN_API_KEY in a foreign format, a malformed key costs an HMAC)';

/**
 * B4: `KeyVerifier.verify()` as the auth hook calls it. The cache hit (HOT_PATH) beside a bare `sha256(key)` in
 * the same alternation; a bad-checksum reject (REJECT_PATH) beside a valid verify; a cache-miss verify (the key's
 * row read through Kysely, then its HMAC) beside a bare better-sqlite3 point read of the same row on the same
 * file. 20k keys in SQLite (WAL).
 */
export async function benchVerify(machine: MachineInfo): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ax-bench-keys-'));
  const store = openStore({ dataDir: dir });
  try {
    await migrateToLatest(store.db);
    const pepper = randomBytes(32);
    const all = await seedKeys(store.db, join(dir, 'ax.db'), pepper);
    // Hot keys stay cached; the other half is evicted before each of its verifications.
    const keys = all.slice(0, KEYS / 2);
    const cold = all.slice(KEYS / 2);
    const n = keys.length;
    const verifier = new KeyVerifier(new KeyRecords(store.db), pepper);
    for (const k of all) await verifier.verify(k.raw);
    // The first verification of each key queued its last_used_at write; let them land before measuring.
    await store.db.selectFrom('api_keys').select('id').limit(1).execute();
    const typos = keys.map((k) => `${k.raw.slice(0, 20)}${k.raw[20] === 'A' ? 'B' : 'A'}${k.raw.slice(21)}`);
    // The reject row measures the checksum refusal only: every typo must fail there, not later.
    for (const t of typos) {
      const result = await verifier.verify(t);
      if (result.ok || result.failure !== 'malformed') throw new Error(`a typo got past the checksum: ${JSON.stringify(result)}`);
    }
    const bare = new SQLite(join(dir, 'ax.db'), { readonly: true });
    const pointRead = bare.prepare('select * from api_keys where public_id = ?');

    const verify = (i: number) => verifier.verify(keys[i % n]!.raw);
    const verifyMiss = (i: number) => {
      const k = cold[i % n]!;
      verifier.invalidateKey(k.publicId);
      return verifier.verify(k.raw);
    };
    // Each comparison alternates its own pair only, so that one pair's garbage is not collected in another's
    // rounds. Every contender runs in the same awaited loop, as the auth hook awaits verify(): the loop's own
    // cost (a promise and a clock read per call) is paid by both sides alike.
    const hotPair = await alternate({
      verify: () => rateAsync(verify, BUDGET_MS),
      sha256: () => rateAsync(async (i) => createHash('sha256').update(keys[i % n]!.raw).digest('hex'), BUDGET_MS),
    }, ROUNDS);
    const rejectPair = await alternate({
      reject: () => rateAsync((i) => verifier.verify(typos[i % n]!), BUDGET_MS),
      verify: () => rateAsync(verify, BUDGET_MS),
    }, ROUNDS);
    const missPair = await alternate({
      miss: () => rateAsync(verifyMiss, BUDGET_MS),
      pointRead: () => rateAsync(async (i) => pointRead.get(cold[i % n]!.publicId), BUDGET_MS),
    }, ROUNDS);
    const hot = await latencies(verify);
    const missLatency = await latencies(verifyMiss);
    bare.close();

    const data = `${KEYS / 1000}k keys of ${USERS} users in SQLite WAL; ${ROUNDS} rounds of ${BUDGET_MS} ms after a warm-up, alternating`;
    const hotRatio = hotPair.verify.median / hotPair.sha256.median;
    const rejectRatio = rejectPair.reject.median / rejectPair.verify.median;
    const missRatio = missPair.pointRead.median / missPair.miss.median; // as times: miss µs ÷ point read µs
    return [
      {
        id: 'B4', subject: 'KeyVerifier.verify() cache hit', peer: 'bare sha256(key) hex, same loop',
        subject_value: hotPair.verify.median, peer_value: hotPair.sha256.median, ratio: hotRatio, target: '≥ 0.4× bare sha256',
        pass: hotRatio >= 0.4, unit: 'ops/s', machine, data: `${data}; a cache hit computes: ${HOT_PATH}`,
        subject_spread: hotPair.verify.spread, peer_spread: hotPair.sha256.spread,
      },
      {
        id: 'B4-p99', subject: 'KeyVerifier.verify() cache hit latency p99', peer: 'hot path p50',
        subject_value: percentile(hot, 99), peer_value: percentile(hot, 50), ratio: percentile(hot, 99) / percentile(hot, 50),
        target: 'printed', pass: null, unit: 'µs', machine, data: `${SAMPLES} awaited calls timed with hrtime`,
      },
      {
        id: 'B4-reject', subject: 'KeyVerifier.verify() bad-checksum reject', peer: 'valid verify (cache hit)',
        subject_value: rejectPair.reject.median, peer_value: rejectPair.verify.median, ratio: rejectRatio, target: '≥ 4× faster than a valid verify',
        pass: rejectRatio >= 4, unit: 'ops/s', machine,
        data: `${data}; ${n} keys with one character of the secret changed, each refused as malformed; a reject computes: ${REJECT_PATH}`,
        subject_spread: rejectPair.reject.spread, peer_spread: rejectPair.verify.spread,
      },
      {
        id: 'B4-miss', subject: 'KeyVerifier.verify() cache miss (row read via Kysely, HMAC, SHA-256)', peer: 'bare better-sqlite3 point read (prepared)',
        subject_value: 1e6 / missPair.miss.median, peer_value: 1e6 / missPair.pointRead.median, ratio: missRatio, target: '≤ 3× a bare SQLite point read',
        pass: missRatio <= 3, unit: 'µs/op', machine,
        data: `${data}; miss p50 ${percentile(missLatency, 50).toFixed(1)} µs, p99 ${percentile(missLatency, 99).toFixed(1)} µs`,
        subject_spread: missPair.miss.spread, peer_spread: missPair.pointRead.spread,
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Latency of each of SAMPLES awaited calls, µs. */
async function latencies(op: (i: number) => Promise<unknown>): Promise<number[]> {
  const out = new Array<number>(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = process.hrtime.bigint();
    await op(i);
    out[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  return out;
}

/** One account, USERS users and KEYS keys (a fifth of them SERVICE keys of bot users), written with raw inserts. */
async function seedKeys(db: Parameters<typeof migrateToLatest>[0], file: string, pepper: Buffer) {
  const accountId = await db.transaction().execute((trx) => createAccount(trx, 'bench'));
  const sqlite = new SQLite(file);
  const now = new Date().toISOString();
  const insertUser = sqlite.prepare(`insert into users (account_id, name, email, email_lower, role, status, is_developer, is_bot,
    must_change_password, created_at, updated_at) values (?, ?, ?, ?, 'MEMBER', 'ACTIVE', 1, ?, 0, ?, ?)`);
  const insertKey = sqlite.prepare(`insert into api_keys (account_id, user_id, created_by_user_id, key_type, name, public_id,
    secret_hash, last4, status, created_at) values (?, ?, ?, ?, 'bench', ?, ?, ?, 'ACTIVE', ?)`);
  const keys = Array.from({ length: KEYS }, generateKey);
  sqlite.transaction(() => {
    const users: number[] = [];
    for (let u = 0; u < USERS; u++) {
      const email = `user${u}@bench.example`;
      users.push(Number(insertUser.run(accountId, `User ${u}`, email, email, 0, now, now).lastInsertRowid));
    }
    keys.forEach((k, i) => {
      const creator = users[i % USERS]!;
      let principal = creator;
      if (i % 5 === 0) {
        const email = `bot-${i}@bots.invalid`;
        principal = Number(insertUser.run(accountId, `bot ${i}`, email, email, 1, now, now).lastInsertRowid);
      }
      insertKey.run(accountId, principal, creator, i % 5 === 0 ? 'SERVICE' : 'USER', k.publicId, digestKey(pepper, k.raw), k.last4, now);
    });
  })();
  sqlite.close();
  return keys;
}
