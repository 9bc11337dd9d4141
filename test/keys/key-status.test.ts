import { describe, expect, it } from 'vitest';
import { keyStatus } from '../../src/keys/index.js';

const now = '2030-01-01T12:00:00.000Z';
const past = '2030-01-01T11:59:59.999Z';
const future = '2030-01-01T12:00:00.001Z';

describe('keyStatus', () => {
  it.each([
    ['REVOKED', null, null, 'REVOKED'],
    ['REVOKED', 7, past, 'REVOKED'],
    ['ACTIVE', null, null, 'ACTIVE'],
    ['ACTIVE', null, past, 'ACTIVE'], // expired on its own: still ACTIVE, the past expires_at says why it fails
    ['ACTIVE', 7, future, 'ACTIVE'], // refreshed, in its grace period
    ['ACTIVE', 7, now, 'REVOKED'], // refreshed, grace ended exactly now
    ['ACTIVE', 7, past, 'REVOKED'],
  ] as const)('status %s, replaced_by_id %s, expires_at %s → %s', (status, replaced, expires, expected) => {
    expect(keyStatus({ status, replaced_by_id: replaced, expires_at: expires }, now)).toBe(expected);
  });
});

describe('whereKeyStatus', () => {
  it('selects exactly the rows keyStatus gives that status', async () => {
    const { randomBytes } = await import('node:crypto');
    const { whereKeyStatus } = await import('../../src/store/key-status-filter.js');
    const { openKeyStore } = await import('./store.js');
    const store = await openKeyStore();
    try {
      const pepper = randomBytes(32);
      for (const status of ['ACTIVE', 'REVOKED'] as const) {
        for (const replaced_by_id of [null, 1]) {
          for (const expires_at of [null, past, now, future]) await store.insertKey(pepper, { status, replaced_by_id, expires_at });
        }
      }
      const rows = await store.db.selectFrom('api_keys').selectAll().execute();
      for (const status of ['ACTIVE', 'REVOKED'] as const) {
        const selected = await store.db.selectFrom('api_keys').select('id').where((eb) => whereKeyStatus(eb, status, now)).orderBy('id').execute();
        expect(selected.map((r) => r.id), status).toEqual(rows.filter((r) => keyStatus(r, now) === status).map((r) => r.id));
      }
    } finally {
      await store.close();
    }
  });
});
