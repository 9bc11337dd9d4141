import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestKey, generateKey, importedPublicId, KeyVerifier } from '../../src/keys/index.js';
import { KeyRecords } from '../../src/store/key-records.js';
import { openKeyStore, sameIdOtherSecret } from './store.js';

let store: Awaited<ReturnType<typeof openKeyStore>>;
const pepper = randomBytes(32);
let clock = Date.parse('2030-01-01T00:00:00.000Z');
const now = () => clock;
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  store = await openKeyStore();
  clock = Date.parse('2030-01-01T00:00:00.000Z');
});
afterEach(async () => {
  await store.close();
});

const verifier = () => new KeyVerifier(new KeyRecords(store.db), pepper, { now });
const lastUsed = async (id: number) =>
  (await store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
/** The verifier writes last_used_at without waiting for it: wait (bounded) until the write for `at` has landed. */
const written = (id: number, at: number) => expect.poll(() => lastUsed(id)).toBe(iso(at));

describe('KeyVerifier.verify', () => {
  it('accepts a live key and answers its principal', async () => {
    const k = await store.insertKey(pepper);
    const result = await verifier().verify(k.raw);
    expect(result).toEqual({
      ok: true,
      principal: { accountId: store.accountId, userId: store.userId, name: 'Ada', email: 'ada@example.com', role: 'MEMBER', isBot: false, apiKeyId: k.id },
      publicId: k.publicId,
    });
  });

  it('rejects malformed keys and bad checksums without touching the database', async () => {
    const v = verifier();
    const { raw } = generateKey();
    const before = store.queries();
    for (const bad of ['', 'nonsense', raw.slice(0, -1), `${raw.slice(0, -1)}${raw.endsWith('a') ? 'b' : 'a'}`]) {
      expect(await v.verify(bad)).toEqual({ ok: false, failure: 'malformed' });
    }
    expect(store.queries()).toBe(before);
  });

  it.each([
    ['unknown', async () => ({ raw: generateKey().raw })],
    ['wrong_secret', async () => store.insertKey(pepper, {}, 'another raw key')],
    ['revoked', async () => store.insertKey(pepper, { status: 'REVOKED' })],
    ['expired', async () => store.insertKey(pepper, { expires_at: iso(clock) })],
    ['grace_ended', async () => store.insertKey(pepper, { expires_at: iso(clock - 1), replaced_by_id: 1 })],
  ])('fails with %s', async (failure, make) => {
    const k = await make();
    const result = await verifier().verify(k.raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failure).toBe(failure);
  });

  it('refuses another secret under a known public id, before and after the real key was verified (and cached)', async () => {
    const k = await store.insertKey(pepper);
    const forged = sameIdOtherSecret(k.raw);
    const v = verifier();
    expect(await v.verify(forged)).toMatchObject({ ok: false, failure: 'wrong_secret' });
    expect((await v.verify(k.raw)).ok).toBe(true);
    expect(await v.verify(forged)).toMatchObject({ ok: false, failure: 'wrong_secret' });
    expect((await v.verify(k.raw)).ok).toBe(true);
  });

  it('accepts a key until just before its expires_at', async () => {
    const k = await store.insertKey(pepper, { expires_at: iso(clock + 1) });
    expect((await verifier().verify(k.raw)).ok).toBe(true);
  });

  it.each([
    ['a deleted principal', { deleted_at: '2029-12-31T00:00:00.000Z' }],
    ['an EXPIRED principal', { status: 'EXPIRED' as const }],
    ['an INVITED principal', { status: 'INVITED' as const }],
  ])('fails with inactive_principal for %s', async (_what, change) => {
    const k = await store.insertKey(pepper);
    await store.db.updateTable('users').set(change).where('id', '=', store.userId).execute();
    const result = await verifier().verify(k.raw);
    expect(!result.ok && result.failure).toBe('inactive_principal');
  });

  it('verifies an imported key (AX_ADMIN_API_KEY), which has no checksum, once registered', async () => {
    const raw = 'ak-test-imported-admin-key';
    const digest = digestKey(pepper, raw);
    const publicId = importedPublicId(digest);
    await store.db.insertInto('api_keys').values({
      account_id: store.accountId, user_id: store.userId, created_by_user_id: store.userId, key_type: 'USER', name: 'boot',
      description: null, public_id: publicId, secret_hash: digest, last4: raw.slice(-4), status: 'ACTIVE', expires_at: null,
      revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: iso(clock),
    }).execute();
    const v = verifier();
    expect(await v.verify(raw)).toEqual({ ok: false, failure: 'malformed' });
    await v.loadImportedKeys();
    const accepted = await v.verify(raw);
    expect(accepted.ok).toBe(true);
    // It carries no public id of its own: nothing to limit its failures by.
    expect(accepted).not.toHaveProperty('publicId');
    expect((await v.verify('ak-test-imported-admin-kez')).ok).toBe(false);
  });
});

describe('KeyVerifier cache', () => {
  it('tells subscribers of ax:keys.cache whether each verification was answered from memory', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    const events: unknown[] = [];
    const listen = (event: unknown) => events.push(event);
    subscribe('ax:keys.cache', listen);
    try {
      await v.verify(k.raw);
      await v.verify(k.raw);
      expect(v.verifyCached(k.raw)?.ok).toBe(true);
    } finally {
      unsubscribe('ax:keys.cache', listen);
    }
    expect(events).toEqual([{ hit: false }, { hit: true }, { hit: true }]);
  });

  it('reads a hot key from memory: one query for many verifications (plus the throttled last_used_at write)', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    await v.verify(k.raw);
    await written(k.id, clock);
    const after = store.queries();
    for (let i = 0; i < 50; i++) expect((await v.verify(k.raw)).ok).toBe(true);
    expect(store.queries()).toBe(after);
  });

  it('sees a revocation at once after invalidateKey, and a principal change after invalidateUser', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    expect((await v.verify(k.raw)).ok).toBe(true);
    await store.db.updateTable('api_keys').set({ status: 'REVOKED' }).where('id', '=', k.id).execute();
    expect((await v.verify(k.raw)).ok).toBe(true); // cached: the change feed is what tells the verifier
    v.invalidateKey(k.publicId);
    expect(await v.verify(k.raw)).toMatchObject({ ok: false, failure: 'revoked' });

    const k2 = await store.insertKey(pepper);
    expect((await v.verify(k2.raw)).ok).toBe(true);
    await store.db.updateTable('users').set({ role: 'ADMIN' }).where('id', '=', store.userId).execute();
    v.invalidateUser(store.userId);
    expect(await v.verify(k2.raw)).toMatchObject({ ok: true, principal: { role: 'ADMIN' } });
    await store.db.updateTable('users').set({ deleted_at: iso(clock) }).where('id', '=', store.userId).execute();
    v.invalidateAll();
    expect(await v.verify(k2.raw)).toMatchObject({ ok: false, failure: 'inactive_principal' });
  });

  it('reloads a cached key after the 60 s TTL (the backstop if a change notification were lost)', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    await v.verify(k.raw);
    await store.db.updateTable('api_keys').set({ status: 'REVOKED' }).where('id', '=', k.id).execute();
    clock += 59_000;
    expect((await v.verify(k.raw)).ok).toBe(true);
    clock += 2_000;
    expect(await v.verify(k.raw)).toMatchObject({ ok: false, failure: 'revoked' });
  });

  it('does not cache a load that an invalidation overtook (it may have read the row before the change committed)', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    const inFlight = v.verify(k.raw);
    v.invalidateKey(k.publicId);
    expect((await inFlight).ok).toBe(true);
    await written(k.id, clock);
    const before = store.queries();
    await v.verify(k.raw);
    expect(store.queries()).toBeGreaterThan(before);
    const cached = store.queries();
    await v.verify(k.raw);
    expect(store.queries()).toBe(cached);
  });

  it('writes last_used_at at most once a minute per key', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    await v.verify(k.raw);
    await written(k.id, clock);
    const first = clock;
    clock += 30_000;
    const queries = store.queries();
    await v.verify(k.raw);
    expect(store.queries()).toBe(queries); // not even started: the throttle decides before any write
    expect(await lastUsed(k.id)).toBe(iso(first));
    clock += 31_000;
    await v.verify(k.raw);
    await written(k.id, clock);
  });
});

describe('KeyVerifier: the key proved on a connection', () => {
  /** A key accepted on `connection` once (read, then proved from the cache), as the HTTP layer's second request. */
  async function proved(v: KeyVerifier, raw: string, connection: object): Promise<void> {
    expect((await v.verify(raw)).ok).toBe(true);
    expect(v.verifyCached(raw, connection)?.ok).toBe(true);
  }

  it('accepts it again on the connection, and the same answer as without one', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    const connection = {};
    await proved(v, k.raw, connection);
    expect(v.verifyCached(k.raw, connection)).toEqual(await v.verify(k.raw));
  });

  it('refuses another secret with the same public id on that connection, and a key proved on another connection', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    const connection = {};
    await proved(v, k.raw, connection);
    expect(v.verifyCached(sameIdOtherSecret(k.raw), connection)).toMatchObject({ ok: false, failure: 'wrong_secret' });
    expect(v.verifyCached(`${k.raw}x`, connection)).toEqual({ ok: false, failure: 'malformed' });
    const other = await store.insertKey(pepper);
    expect(v.verifyCached(other.raw, connection)).toBeUndefined(); // not read yet: the connection proves nothing for it
  });

  it('ends at any invalidation: a revocation, a change to the user, or all keys', async () => {
    const k = await store.insertKey(pepper);
    const v = verifier();
    const connection = {};
    await proved(v, k.raw, connection);
    await store.db.updateTable('api_keys').set({ status: 'REVOKED' }).where('id', '=', k.id).execute();
    v.invalidateKey(k.publicId);
    expect(v.verifyCached(k.raw, connection)).toBeUndefined();
    expect(await v.verify(k.raw)).toMatchObject({ ok: false, failure: 'revoked' });

    const k2 = await store.insertKey(pepper);
    await proved(v, k2.raw, connection);
    await store.db.updateTable('users').set({ deleted_at: iso(clock) }).where('id', '=', store.userId).execute();
    v.invalidateUser(store.userId);
    expect(v.verifyCached(k2.raw, connection)).toBeUndefined();
    expect(await v.verify(k2.raw)).toMatchObject({ ok: false, failure: 'inactive_principal' });
  });

  it('checks the key\'s expiry on every request, and the record again after the 60 s TTL', async () => {
    const expiring = await store.insertKey(pepper, { expires_at: iso(clock + 1_000) });
    const v = verifier();
    const connection = {};
    await proved(v, expiring.raw, connection);
    clock += 1_000;
    expect(v.verifyCached(expiring.raw, connection)).toMatchObject({ ok: false, failure: 'expired' });

    const k = await store.insertKey(pepper);
    const later = {};
    await proved(v, k.raw, later);
    clock += 60_001;
    expect(v.verifyCached(k.raw, later)).toBeUndefined();
  });
});
