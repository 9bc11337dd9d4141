import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkToken } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, enc } from '../helpers/hierarchy.js';
import { createScimUser, patchOp, setUpScim } from '../helpers/scim.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 13, B7b: on SQLite `GET /v2/users` answers a page it answered before from the users page cache
 * (src/services/users-page-cache.ts). Each test reads the page, changes what it shows in one way, and reads it again:
 * the change must show, whichever route, directory or connection made it, and when only the clock moved. Fewer than
 * 100 users exist, so page 1 (limit=100) holds them all.
 */
let server: TestServer;
let seq = 0;
const email = (label: string) => `${label}-${++seq}@cache.example`;
const DAY = 24 * 60 * 60 * 1000;

interface Listed { id: string; name: string; email: string; role: { name: string }; status: string; is_developer: boolean; deactivated_at?: string; scim_provider?: { id: string } }

/** The store's write version (SQLite; undefined on PostgreSQL): equal before and after, nothing was written. */
const writeVersion = () => server.context!.store.writeVersion?.();

/** Page 1 as `key` lists it, by id. */
async function page(key?: string): Promise<Map<string, Listed>> {
  const res = await server.api('GET', '/v2/users?limit=100', key === undefined ? {} : { key });
  expect(res.status).toBe(200);
  expect(res.body.pagination).toEqual({ has_more: false });
  return new Map((res.body.users as Listed[]).map((u) => [u.id, u]));
}

async function invite(address: string, inviteMode = 'EMAIL_LINK'): Promise<string> {
  const res = await server.api('POST', '/v2/users', { body: { name: 'Invited', email: address, role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: inviteMode } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
});
afterAll(async () => server?.close());

describe('GET /v2/users from the users page cache', () => {
  it('answers the same page again with the same JSON', async () => {
    const first = await server.api('GET', '/v2/users?limit=100');
    const again = await server.api('GET', '/v2/users?limit=100');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(again.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a user invited, renamed, given another role and deleted', async () => {
    await page();
    const id = await invite(email('invited'));
    expect((await page()).get(id)).toMatchObject({ name: 'Invited', status: 'INVITED', role: { name: 'MEMBER' } });
    expect((await server.api('PATCH', `/v2/users/${enc(id)}`, { body: { name: 'Renamed', is_developer: false } })).status).toBe(200);
    expect((await page()).get(id)).toMatchObject({ name: 'Renamed', is_developer: false });
    expect((await server.api('PUT', `/v2/users/${enc(id)}/role`, { body: { role: 'ANNOTATOR' } })).status).toBe(200);
    expect((await page()).get(id)).toMatchObject({ role: { name: 'ANNOTATOR' } });
    expect((await server.api('DELETE', `/v2/users/${enc(id)}`)).status).toBe(204);
    expect((await page()).has(id)).toBe(false);
  });

  it('shows a deactivation and a reactivation', async () => {
    const u = await createUserWithKey(server, { email: email('deactivated') });
    expect((await page()).get(u.id)).toMatchObject({ status: 'ACTIVE' });
    expect((await server.api('POST', `/v2/users/${enc(u.id)}/deactivate`)).status).toBe(204);
    expect((await page()).get(u.id)).toMatchObject({ status: 'EXPIRED', deactivated_at: expect.any(String) });
    expect((await server.api('POST', `/v2/users/${enc(u.id)}/reactivate`)).status).toBe(204);
    expect((await page()).get(u.id)).not.toHaveProperty('deactivated_at');
    expect((await page()).get(u.id)).toMatchObject({ status: 'ACTIVE' });
  });

  it('shows an invitation resent, then accepted', async () => {
    const address = email('resent');
    const id = await invite(address, 'NONE');
    expect((await page()).get(id)).toMatchObject({ status: 'EXPIRED' });
    expect((await server.api('POST', `/v2/users/${enc(id)}/resend-invitation`)).status).toBe(204);
    expect((await page()).get(id)).toMatchObject({ status: 'INVITED' });
    const token = linkToken(server, await server.waitForMail(address), 'invite');
    const accepted = await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: 'a long enough password' } });
    expect(accepted.status).toBe(200);
    expect((await page()).get(id)).toMatchObject({ status: 'ACTIVE' });
  });

  it('turns an invitation EXPIRED once its link lapses, with no write, by the server clock', async () => {
    const id = await invite(email('lapsing'));
    await server.advanceClock(7 * DAY - 30_000);
    // The first request after a minute writes the admin key's last_used_at (at most once a minute): the page is built.
    expect((await page()).get(id)).toMatchObject({ status: 'INVITED' });
    const unwritten = writeVersion();
    expect((await page()).get(id)).toMatchObject({ status: 'INVITED' });
    await server.advanceClock(40_000);
    expect((await page()).get(id)).toMatchObject({ status: 'EXPIRED' });
    expect(writeVersion()).toBe(unwritten);
  });

  it('answers each caller its own page, and follows the memberships that decide whom a member sees', async () => {
    const me = await createUserWithKey(server, { email: email('me') });
    const colleague = await createUserWithKey(server, { email: email('colleague') });
    // Each key's first use writes its last_used_at; after that, the two callers ask with nothing written between.
    await page();
    await page(me.key);
    const unwritten = writeVersion();
    for (let round = 0; round < 2; round++) {
      expect([...(await page()).keys()]).toEqual(expect.arrayContaining([me.id, colleague.id]));
      expect([...(await page(me.key)).keys()]).toEqual([me.id]);
    }
    expect(writeVersion()).toBe(unwritten);
    const org = await createOrganization(server, `cache-org-${seq}`);
    await addOrganizationMember(server, org, me.id, 'MEMBER');
    expect([...(await page(me.key)).keys()]).toEqual([me.id]);
    await addOrganizationMember(server, org, colleague.id, 'MEMBER');
    expect([...(await page(me.key)).keys()]).toEqual([me.id, colleague.id]);
    expect((await server.api('DELETE', `/v2/organizations/${enc(org)}/users/${enc(colleague.id)}`)).status).toBe(204);
    expect([...(await page(me.key)).keys()]).toEqual([me.id]);
  });

  it('shows what a SCIM directory provisions and deactivates, with its provider', async () => {
    const { scim, idpWireId } = await setUpScim(server, { domains: ['cache-scim.example'] });
    const viewer = await createUserWithKey(server, { email: email('viewer'), role: 'ADMIN' });
    await page();
    await page(viewer.key);
    const userName = `directory-${++seq}@cache-scim.example`;
    const scimId = await createScimUser(scim, { userName, name: { givenName: 'Dir', familyName: 'User' }, emails: [{ value: userName, primary: true }], active: true });
    const listed = [...(await page()).values()].find((u) => u.email === userName);
    expect(listed).toMatchObject({ status: 'ACTIVE', scim_provider: { id: idpWireId } });
    expect(await page(viewer.key)).toEqual(await page());
    expect((await scim('PATCH', `/Users/${scimId}`, patchOp({ op: 'replace', path: 'active', value: false }))).status).toBe(200);
    expect((await page()).get(listed!.id)).toMatchObject({ status: 'EXPIRED', deactivated_at: expect.any(String) });
  });

  it.skipIf(process.env.AX_TEST_DB === 'postgres')('shows a write made to the SQLite file by another connection', async () => {
    const u = await createUserWithKey(server, { email: email('elsewhere') });
    expect((await page()).get(u.id)).toMatchObject({ name: expect.not.stringMatching('Changed elsewhere') });
    const other = new SQLite(join(server.dataDir, 'ax.db'));
    try {
      other.prepare('update users set name = ? where id = ?').run('Changed elsewhere', u.dbId);
    } finally {
      other.close();
    }
    expect((await page()).get(u.id)).toMatchObject({ name: 'Changed elsewhere' });
  });
});
