import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/**
 * Issue 18: `ax audit-logs verify --archive FILE` checks an archive the server wrote (its chain and its signature)
 * with no server and no profile, and names the first broken line of a tampered copy.
 */
let server: TestServer;
let dir: string;
let archive: string;
let lines: string[];
let publicKey: string;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ax-archive-verify-'));
  server = await startTestServer({ testClock: true, env: { AX_AUDIT_RETENTION_DAYS: '1', AX_AUDIT_ARCHIVE_DIR: join(dir, 'archive') } });
  for (let i = 0; i < 4; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `archived-${i}` } })).status).toBe(201);
  await server.advanceClock(2 * 86_400_000);
  const res = await server.api('POST', '/v2/audit-logs/archive');
  expect(res.status).toBe(200);
  archive = join(dir, 'archive', (res.body as Json).file);
  lines = (await readFile(archive, 'utf8')).trimEnd().split('\n');
  publicKey = ((await server.api('GET', '/v2/audit-logs/verify')).body as Json).public_key;
  // No server from here on: the checks below are offline.
  await server.close();
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** No ARIZE_* settings at all and an empty home: nothing but the file is read. */
const ax = (args: string[]) => runAx(['audit-logs', 'verify', ...args], { env: { ARIZE_DIRECTORY: join(dir, 'no-profile') } });

let copies = 0;
async function tampered(edit: (lines: string[]) => string[]): Promise<string> {
  const path = join(dir, `tampered-${copies++}.jsonl`);
  await writeFile(path, `${edit(structuredClone(lines)).join('\n')}\n`);
  return path;
}
const editEntry = (index: number, change: (entry: Json) => void) => (ls: string[]) => {
  const entry = JSON.parse(ls[index]!) as Json;
  change(entry);
  ls[index] = JSON.stringify(entry);
  return ls;
};

describe('ax audit-logs verify --archive', () => {
  it('accepts the archive the server wrote, against the pinned key given as base64, hex or a file', async () => {
    expect(lines).toHaveLength(6);
    const ok = await ax(['--archive', archive, '--public-key', publicKey, '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, account_id: 1, from_seq: 1, to_seq: 4, entries_checked: 4, public_key_source: 'pinned' });
    expect(JSON.parse(ok.stdout).last_hash).toBe(JSON.parse(lines[4]!).hash);

    const keyFile = join(dir, 'audit.pub');
    await writeFile(keyFile, `${Buffer.from(publicKey, 'base64').toString('hex')}\n`);
    const fromFile = await ax(['--archive', archive, '--public-key', keyFile]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(/valid\s+true/i);

    // Without a pinned key the file's own key is used, and the answer says what that is worth.
    const unpinned = await ax(['--archive', archive, '-o', 'json']);
    expect(unpinned.code).toBe(0);
    expect(JSON.parse(unpinned.stdout)).toMatchObject({ valid: true, public_key_source: 'archive' });
    expect(unpinned.stderr).toMatch(/proves consistency, not origin/);
  });

  it.each([
    ['an entry edited', editEntry(2, (e) => { e.ip = '198.51.100.7'; }), 3, 2, /content or its place does not match its hash/],
    ['an entry deleted', (ls: string[]) => ls.toSpliced(2, 1), 3, 2, /expected seq 2, found 3/],
    ['two entries reordered', (ls: string[]) => [ls[0]!, ls[1]!, ls[3]!, ls[2]!, ...ls.slice(4)], 3, 2, /expected seq 2, found 3/],
    ['an entry inserted', (ls: string[]) => ls.toSpliced(3, 0, ls[2]!), 4, 3, /expected seq 3, found 2/],
    ['the file cut short', (ls: string[]) => ls.slice(0, 4), 5, 4, /file ends before seq 4/],
    ['the signed line removed', (ls: string[]) => ls.slice(0, 5), 6, undefined, /signed archive line is missing/],
    ['the signature replaced', editEntry(5, (t) => { t.signature = Buffer.alloc(64).toString('base64'); }), 6, undefined, /signature does not hold under the given public key/],
    ['a stretch rewritten with every hash recomputed', (ls: string[]) => ls, 6, undefined, /signature does not hold/],
  ])('names the first broken line of %s', async (_what, edit, line, seq, reason) => {
    const copy = await tampered(edit);
    // The rewritten stretch: the entries re-hashed consistently, so only the signature can tell.
    if (_what.startsWith('a stretch')) await writeFile(copy, await rehashed(copy));
    const res = await ax(['--archive', copy, '--public-key', publicKey, '-o', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ valid: false, first_broken: { line, ...(seq === undefined ? {} : { seq }), reason: expect.stringMatching(reason) } });
    expect(res.stderr).toContain(`✗ Error: the archive ${copy} is broken at line ${line}`);
  });

  it('refuses an archive signed by another key than the one pinned, and a file it cannot read (exit 5)', async () => {
    const other = Buffer.alloc(32, 7).toString('hex');
    const res = await ax(['--archive', archive, '--public-key', other]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/broken at line 6: the signature does not hold under the given public key/);
    const missing = await ax(['--archive', join(dir, 'missing.jsonl')]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/--archive .*missing\.jsonl cannot be read: ENOENT/);
    const noArchive = await ax(['--public-key', publicKey]);
    expect(noArchive.code).toBe(2);
  });
});

/** The copy with entry 2's operation changed and every later hash and the trailer's hash recomputed (key unchanged). */
async function rehashed(path: string): Promise<string> {
  const { entryHash } = await import('../../src/domain/audit-chain.js');
  const ls = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Json);
  let prev = ls[0]!.prev_hash as string;
  for (const e of ls.slice(1, -1)) {
    if (e.seq === 2) e.operation_name = 'POST /v2/nothing-happened';
    e.hash = entryHash(prev, e);
    prev = e.hash;
  }
  ls.at(-1)!.hash = prev;
  return `${ls.map((l) => JSON.stringify(l)).join('\n')}\n`;
}
