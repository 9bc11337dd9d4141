import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { msUntilRefused, type ProcessPair, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 18, done when "a leaked key reported by a scanner stops working within a second on every process": the
 * report reaches process A; process B, which has the key cached from a request just before, refuses it within 1 s.
 */
const ADMIN_KEY = `ak-leak-mp-admin-${Math.random().toString(36).slice(2)}`;
const KEY_ID = 'multiprocess-scanner-key';

describe.skipIf(testBackend !== 'postgres')(
  'a leaked key reported on one process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    let scanner: KeyObject;
    let dir: string | undefined;
    beforeAll(async () => {
      const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      scanner = keys.privateKey;
      dir = await mkdtemp(join(tmpdir(), 'ax-scanning-mp-'));
      const file = join(dir, 'keys.json');
      await writeFile(file, JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: keys.publicKey.export({ format: 'pem', type: 'spki' }) }] }));
      pair = await startProcessPair({ adminKey: ADMIN_KEY, env: { AX_SECRET_SCANNING_KEYS: file } });
    });
    afterAll(async () => {
      await pair?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('stops working on the other process within a second', async () => {
      const { key } = await pair.insertUserWithKey('leak-mp@example.com');
      // B verifies (and caches) the key first.
      expect((await fetch(`${pair.b.url}/v2/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      const body = JSON.stringify([{ token: key, type: 'ax_api_key', url: 'https://github.com/acme/app/blob/1/.env', source: 'content' }]);
      const since = performance.now();
      const res = await fetch(`${pair.a.url}/secret-scanning/github`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'github-public-key-identifier': KEY_ID, 'github-public-key-signature': sign('sha256', Buffer.from(body), scanner).toString('base64') },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject([{ label: 'true_positive', live: true, revoked: true }]);
      expect(await msUntilRefused(pair.b.url, key, since)).toBeLessThan(1000);
    });
  },
);
