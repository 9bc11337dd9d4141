import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/keys/index.js';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, leaked keys revoke themselves: GitHub's secret scanning partner program posts the tokens it found, signed
 * (ECDSA P-256, SHA-256) with a key the operator configured (AX_SECRET_SCANNING_KEYS, GitHub's key list format); every
 * key of ours among them is revoked at once, its owner and the account admins are mailed, and the answer says which
 * were live. `POST /v2/api-keys/leaks` lets a person report one.
 */
const KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';
let scanner: KeyObject;
let otherScanner: KeyObject;
let server: TestServer;
let dir: string | undefined;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  scanner = pair.privateKey;
  otherScanner = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  dir = await mkdtemp(join(tmpdir(), 'ax-scanning-'));
  const file = join(dir, 'secret-scanning-keys.json');
  await writeFile(file, JSON.stringify({
    public_keys: [
      { key_identifier: 'old-rotated-key', key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }), is_current: false },
      { key_identifier: KEY_ID, key: pair.publicKey.export({ format: 'pem', type: 'spki' }), is_current: true },
    ],
  }));
  server = await startTestServer({ env: { AX_SECRET_SCANNING_KEYS: file } });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** POSTs `body` (exact bytes) as GitHub does, signed by `key` under `keyId` unless told otherwise. */
async function report(body: string, options: { key?: KeyObject; keyId?: string | null; signature?: string | null } = {}) {
  const signature = options.signature !== undefined ? options.signature : sign('sha256', Buffer.from(body), options.key ?? scanner).toString('base64');
  const keyId = options.keyId !== undefined ? options.keyId : KEY_ID;
  const res = await fetch(`${server.url}/secret-scanning/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(keyId === null ? {} : { 'github-public-key-identifier': keyId }),
      ...(signature === null ? {} : { 'github-public-key-signature': signature }),
    },
    body,
  });
  return { status: res.status, body: await res.json() as Json };
}

const me = async (key: string) => (await server.api('GET', '/v2/me', { key })).status;
const found = (token: string, extra: Record<string, string> = {}) => ({ token, type: 'ax_api_key', url: 'https://github.com/acme/app/blob/abc123/.env', source: 'content', ...extra });

describe('POST /secret-scanning/github', () => {
  it('revokes a live key at once, mails its owner and the admins, and answers which tokens were live', async () => {
    const owner = await createUserWithKey(server, { email: 'leaky-owner@example.com' });
    const revokedAlready = await createUserWithKey(server, { email: 'careful-owner@example.com' });
    const revokedId = (await server.api('GET', '/v2/api-keys', { key: revokedAlready.key })).body.api_keys[0].id as string;
    expect((await server.api('PUT', `/v2/api-keys/${encodeURIComponent(revokedId)}/revoke`, { key: revokedAlready.key })).status).toBe(204);
    expect(await me(owner.key)).toBe(200);

    const unknown = generateKey().raw; // well-formed, valid checksum, no such key
    const tokens = [found(owner.key), found(revokedAlready.key), found(unknown), found('ghp_notoursatall1234567890', { type: 'github_pat' })];
    const res = await report(JSON.stringify(tokens));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual([
      { token_hash: sha256(owner.key), token_type: 'ax_api_key', label: 'true_positive', live: true, revoked: true },
      { token_hash: sha256(revokedAlready.key), token_type: 'ax_api_key', label: 'true_positive', live: false, revoked: false },
      { token_hash: sha256(unknown), token_type: 'ax_api_key', label: 'false_positive', live: false, revoked: false },
      { token_hash: sha256('ghp_notoursatall1234567890'), token_type: 'github_pat', label: 'false_positive', live: false, revoked: false },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(owner.key);
    expect(await me(owner.key)).toBe(401);

    const ownerMail = await server.waitForMail('leaky-owner@example.com', /found in public and has been revoked/);
    expect(ownerMail.text).toContain('https://github.com/acme/app/blob/abc123/.env');
    expect(ownerMail.text).toContain('GitHub secret scanning');
    expect(ownerMail.text).not.toContain(owner.key);
    await server.waitForMail('admin@localhost', /found in public and has been revoked/);
    expect((await server.mails()).some((m) => m.to.includes('careful-owner@example.com'))).toBe(false);

    // The revocation is in the audit log (and its chain holds).
    const logs = (await server.api('GET', '/v2/audit-logs?limit=5')).body.logs as Json[];
    const entry = logs.find((l) => l.operation_name === 'POST /secret-scanning/github');
    expect(JSON.parse(entry.variables)).toMatchObject({ actor: 'secret_scanning', type: 'ax_api_key', url: 'https://github.com/acme/app/blob/abc123/.env' });
    expect((await server.api('GET', '/v2/audit-logs/verify')).body.valid).toBe(true);
  });

  it('a replayed report changes nothing more: the key is reported as revoked already and nobody is mailed again', async () => {
    const owner = await createUserWithKey(server, { email: 'replayed-owner@example.com' });
    const body = JSON.stringify([found(owner.key), found(owner.key)]);
    const first = await report(body);
    expect(first.body.map((o: Json) => [o.live, o.revoked])).toEqual([[true, true], [false, false]]);
    const mailsAfterFirst = (await server.mails()).filter((m) => m.to.includes('replayed-owner@example.com')).length;
    expect(mailsAfterFirst).toBe(1);
    const replay = await report(body);
    expect(replay.status).toBe(200);
    expect(replay.body.map((o: Json) => [o.label, o.live, o.revoked])).toEqual([['true_positive', false, false], ['true_positive', false, false]]);
    expect((await server.mails()).filter((m) => m.to.includes('replayed-owner@example.com')).length).toBe(1);
  });

  it('revokes a leaked service key and mails the person who created it', async () => {
    const orgId = await createOrganization(server, 'leak-org');
    const spaceId = await createSpace(server, orgId, 'leak-space');
    const created = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'SERVICE', name: 'leaky-pipeline', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await me(created.body.key)).toBe(200);
    const res = await report(JSON.stringify([found(created.body.key)]));
    expect(res.body[0]).toMatchObject({ label: 'true_positive', live: true, revoked: true });
    expect(await me(created.body.key)).toBe(401);
    expect((await server.waitForMail('admin@localhost', /"leaky-pipeline"/)).text).toContain('service API key "leaky-pipeline"');
  });

  it('refuses a report whose signature is missing, bad, by another key, over another body, or names an unknown key (401, nothing revoked)', async () => {
    const owner = await createUserWithKey(server, { email: 'spoofed-owner@example.com' });
    const body = JSON.stringify([found(owner.key)]);
    const signature = sign('sha256', Buffer.from(body), scanner).toString('base64');
    const attempts = [
      await report(body, { signature: null }),
      await report(body, { keyId: null }),
      await report(body, { signature: 'not base64 at all!' }),
      await report(body, { key: otherScanner }),
      await report(body, { keyId: 'old-rotated-key' }),
      await report(body, { keyId: 'no-such-key' }),
      await report(JSON.stringify([found(owner.key, { url: 'https://example.com/elsewhere' })]), { signature }),
    ];
    for (const res of attempts) {
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    expect(await me(owner.key)).toBe(200);
  });

  it('refuses a signed body that is not the documented list (400), and a body over the size limit', async () => {
    expect((await report('{"token": "x"}')).status).toBe(400);
    expect((await report('[{"type": "ax_api_key"}]')).status).toBe(400);
    expect((await report('[not json')).status).toBe(400);
    const tooMany = JSON.stringify(Array.from({ length: 1001 }, () => found('x')));
    expect((await report(tooMany)).status).toBe(400);
  });

  it('is off (404) on a server without AX_SECRET_SCANNING_KEYS', async () => {
    const plain = await startTestServer();
    try {
      const body = JSON.stringify([found(generateKey().raw)]);
      const res = await fetch(`${plain.url}/secret-scanning/github`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'github-public-key-identifier': KEY_ID, 'github-public-key-signature': sign('sha256', Buffer.from(body), scanner).toString('base64') },
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('POST /v2/api-keys/leaks', () => {
  it('revokes a key its holder reports, in its own account (with its id) or in another (without), and says when nothing was live', async () => {
    const reporter = await createUserWithKey(server, { email: 'reporter@example.com' });
    const colleague = await createUserWithKey(server, { email: 'colleague@example.com' });
    const own = await server.api('POST', '/v2/api-keys/leaks', { key: reporter.key, body: { token: colleague.key, url: 'https://paste.example/abc', source: 'paste' } });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ token_hash: sha256(colleague.key), label: 'true_positive', live: true, revoked: true, api_key_id: expect.any(String) });
    expect(await me(colleague.key)).toBe(401);
    expect((await server.waitForMail('colleague@example.com', /revoked/)).text).toContain('reporter@example.com');

    const { admin: foreignAdmin } = await createSecondAccount(server, 'admin@leaks-b.example');
    const foreign = await server.api('POST', '/v2/api-keys/leaks', { key: reporter.key, body: { token: foreignAdmin.key } });
    expect(foreign.body).toMatchObject({ label: 'true_positive', live: true, revoked: true });
    expect(foreign.body.api_key_id).toBeUndefined();
    expect(await me(foreignAdmin.key)).toBe(401);

    const nothing = await server.api('POST', '/v2/api-keys/leaks', { key: reporter.key, body: { token: generateKey().raw } });
    expect(nothing.body).toMatchObject({ label: 'false_positive', live: false, revoked: false });
    expect((await server.api('POST', '/v2/api-keys/leaks', { key: null, body: { token: 'x' } })).status).toBe(401);
    expect((await server.api('POST', '/v2/api-keys/leaks', { key: reporter.key, body: { token: '' } })).status).toBe(400);
  });
});
