import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { digestKey } from '../../src/keys/index.js';
import { authenticateScimToken } from '../../src/services/scim/scim-authentication.js';
import type { ScimCaller } from '../../src/services/scim/scim-caller.js';
import { recordScimError } from '../../src/services/scim/scim-errors-log.js';
import { testBackend } from '../helpers/database.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { enc } from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startProcessPair, type ProcessPair } from '../helpers/server-process.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';

/** identity.md §5.1: a directory's SCIM tokens (create, list, revoke, status) and how `/scim/v2` authenticates them. */
let server: TestServer;
let metadataXml: string;
let member: FixtureUser;
let providerCount = 0;
const HOUR = 3_600_000;
const TOKEN_SHAPE = /^axscim-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/;

beforeAll(async () => {
  // Many refusals come from 127.0.0.1 here on purpose: the address limit has a test of its own below.
  server = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '10000' } });
  metadataXml = (await SamlTestIdp.create()).metadataXml();
  member = await createUserWithKey(server, { email: 'member@scim-tokens.example', role: 'MEMBER' });
});
afterAll(async () => server?.close());

const ctx = () => server.context!;
const db = () => ctx().store.db;

/** A SAML provider created through the API (so that PATCH and DELETE work on it): its wire id and its base path. */
async function samlProvider(): Promise<{ id: string; rowId: number; base: string }> {
  const n = ++providerCount;
  const res = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: `scim-idp-${n}`, email_domains: [`scim${n}.example.com`], metadata_xml: metadataXml,
      role_mappings: [{ attributes_map: { group: 'admins' }, is_account_admin: true }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, rowId: parseId(res.body.id)!.n, base: `/v2/saml-identity-providers/${enc(res.body.id)}` };
}

async function createToken(base: string, body: Record<string, unknown> = {}, key?: string): Promise<Json> {
  const res = await server.api('POST', `${base}/scim-tokens`, { body, ...(key ? { key } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The directory a bearer value authenticates as, straight from the service the SCIM scope's hook calls. */
async function callerOf(bearer: string): Promise<ScimCaller> {
  return authenticateScimToken(ctx(), { ip: '127.0.0.1', operation: 'GET /scim/v2/Users' }, bearer);
}

/**
 * `GET /scim/v2/Users` with this bearer value (none for undefined): the scope authenticates every route but discovery
 * alike. A refusal must be SCIM's error body; the status.
 */
async function scimGet(bearer: string | undefined, on: TestServer = server): Promise<number> {
  const res = await on.api('GET', '/scim/v2/Users', { key: bearer ?? null });
  if (res.status === 401) {
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: expect.stringMatching(/SCIM token is missing, malformed, unknown/),
    });
  }
  return res.status;
}

async function failuresOf(reason: string): Promise<Json[]> {
  const res = await server.api('GET', '/v2/audit-logs/authentication-failures?limit=100&start_time=2000-01-01T00:00:00Z&end_time=2100-01-01T00:00:00Z');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.failures as Json[]).filter((f) => f.reason === reason);
}

describe('creating, listing and revoking (§5.1)', () => {
  it('creates a token shown once: the API-key construction with its own prefix, a default name, ids of their types', async () => {
    const { base } = await samlProvider();
    const created = await createToken(base);
    expect(created.token).toMatch(TOKEN_SHAPE);
    expect(Object.keys(created).sort()).toEqual(['created_at', 'created_by_user_id', 'id', 'name', 'redacted_token', 'token']);
    expect(parseId(created.id)?.type).toBe('ScimToken');
    expect(parseId(created.created_by_user_id)?.type).toBe('User');
    expect(created.name).toBe('SCIM token');
    const publicId = (created.token as string).slice(7, 19);
    expect(created.redacted_token).toBe(`axscim-${publicId.slice(0, 3)}...${(created.token as string).slice(-4)}`);

    const named = await createToken(base, { name: 'Okta production', expires_at: new Date(ctx().clock.now() + 24 * HOUR).toISOString() });
    expect(named).toMatchObject({ name: 'Okta production', expires_at: expect.any(String) });

    const list = await server.api('GET', `${base}/scim-tokens`);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ has_more: false });
    expect(list.body.scim_tokens.map((t: Json) => t.id)).toEqual([created.id, named.id]);
    const { token: _token, ...shown } = created;
    expect(list.body.scim_tokens[0]).toEqual(shown);
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect(JSON.stringify(list.body)).not.toContain(named.token);
  });

  it('stores only the HMAC digest (no row or audit entry holds the token or its secret)', async () => {
    const { base } = await samlProvider();
    const created = await createToken(base, { name: 'digest check' });
    const rowId = parseId(created.id)!.n;
    const row = await db().selectFrom('scim_tokens').selectAll().where('id', '=', rowId).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(digestKey(ctx().secrets.keyPepper, created.token));
    expect(row.last4).toBe((created.token as string).slice(-4));
    const secret = (created.token as string).slice(20);
    const everything = JSON.stringify([
      await db().selectFrom('scim_tokens').selectAll().execute(),
      await db().selectFrom('audit_logs').selectAll().execute(),
      await db().selectFrom('authentication_failures').selectAll().execute(),
    ]);
    expect(everything).not.toContain(secret);
    // The creation is audited, naming the token by its id.
    const audit = await db().selectFrom('audit_logs').selectAll().where('operation_name', '=', 'POST /v2/saml-identity-providers/:idp_id/scim-tokens')
      .orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.operation_text!)).toEqual({ id: created.id, name: 'digest check' });
  });

  it('refuses a 6th live token with 409, counting neither revoked nor expired ones', async () => {
    const { base } = await samlProvider();
    const tokens = [await createToken(base, { name: 'expiring', expires_at: new Date(ctx().clock.now() + HOUR).toISOString() })];
    for (let i = 1; i < 5; i++) tokens.push(await createToken(base, { name: `t${i}` }));
    const sixth = await server.api('POST', `${base}/scim-tokens`, { body: {} });
    expect(sixth.status).toBe(409);
    expect(sixth.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringMatching(/already has 5 live SCIM tokens/) });
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens).toHaveLength(5);

    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(tokens[1].id)}`)).status).toBe(204);
    await createToken(base, { name: 'after a revoke' });
    expect((await server.api('POST', `${base}/scim-tokens`, { body: {} })).status).toBe(409);
    await server.advanceClock(HOUR + 1000);
    await createToken(base, { name: 'after an expiry' });
    expect((await server.api('POST', `${base}/scim-tokens`, { body: {} })).status).toBe(409);
  });

  it('answers 400 for an expiry in the past or not a time, and for unknown fields', async () => {
    const { base } = await samlProvider();
    const past = await server.api('POST', `${base}/scim-tokens`, { body: { expires_at: new Date(ctx().clock.now() - 1000).toISOString() } });
    expect(past.status).toBe(400);
    expect(past.body.detail).toMatch(/expires_at: must be in the future/);
    expect((await server.api('POST', `${base}/scim-tokens`, { body: { expires_at: 'tomorrow' } })).status).toBe(400);
    expect((await server.api('POST', `${base}/scim-tokens`, { body: { name: '  ' } })).status).toBe(400);
    expect((await server.api('POST', `${base}/scim-tokens`, { body: { token: 'axscim-mine' } })).status).toBe(400);
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens).toEqual([]);
  });

  it('creates a token from a bodiless POST, with or without a JSON content type (every field is optional)', async () => {
    const { base } = await samlProvider();
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const res = await fetch(`${server.url}${base}/scim-tokens`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}`, ...headers } });
      const body = await res.json() as Json;
      expect(res.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ name: 'SCIM token', token: expect.stringMatching(TOKEN_SHAPE) });
    }
  });

  it('revokes idempotently (204 twice), hides revoked tokens from the list, 404s a token the provider never had', async () => {
    const { base } = await samlProvider();
    const other = await samlProvider();
    const created = await createToken(base);
    const foreign = await createToken(other.base);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(foreign.id)}`)).status).toBe(404);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(encodeId('ScimToken', 999_999))}`)).status).toBe(404);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(created.id)}`)).status).toBe(204);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(created.id)}`)).status).toBe(204);
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens).toEqual([]);
    const bad = await server.api('DELETE', `${base}/scim-tokens/${enc(encodeId('ApiKey', 1))}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_ID');
    const audits = await db().selectFrom('audit_logs').select('operation_name')
      .where('operation_name', '=', 'DELETE /v2/saml-identity-providers/:idp_id/scim-tokens/:token_id').execute();
    expect(audits.length).toBeGreaterThanOrEqual(2);
  });

  it('pages the list with the API\'s cursor', async () => {
    const { base } = await samlProvider();
    const ids = [(await createToken(base)).id, (await createToken(base)).id, (await createToken(base)).id];
    const first = await server.api('GET', `${base}/scim-tokens?limit=2`);
    expect(first.body.scim_tokens.map((t: Json) => t.id)).toEqual(ids.slice(0, 2));
    expect(first.body.pagination.has_more).toBe(true);
    const second = await server.api('GET', `${base}/scim-tokens?limit=2&cursor=${enc(first.body.pagination.next_cursor)}`);
    expect(second.body.scim_tokens.map((t: Json) => t.id)).toEqual(ids.slice(2));
    expect(second.body.pagination).toEqual({ has_more: false });
  });

  it('is for account admins only (403), and finds providers as the provider routes do (404, 400 INVALID_ID)', async () => {
    const { id, base } = await samlProvider();
    const created = await createToken(base);
    for (const [method, path] of [['POST', `${base}/scim-tokens`], ['GET', `${base}/scim-tokens`], ['DELETE', `${base}/scim-tokens/${enc(created.id)}`], ['GET', `${base}/scim-status`]] as const) {
      const res = await server.api(method, path, { key: member.key, ...(method === 'POST' ? { body: {} } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens).toHaveLength(1);

    const onOidcPath = await server.api('GET', `/v2/oidc-identity-providers/${enc(id)}/scim-tokens`);
    expect(onOidcPath.status).toBe(400);
    expect(onOidcPath.body.code).toBe('INVALID_ID');
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(encodeId('SamlIdentityProvider', 999_999))}/scim-tokens`)).status).toBe(404);
    const tenant = await createSecondAccount(server, 'admin@scim-tenant.example');
    expect((await server.api('GET', `${base}/scim-tokens`, { key: tenant.admin.key })).status).toBe(404);
    expect((await server.api('POST', `${base}/scim-tokens`, { key: tenant.admin.key, body: {} })).status).toBe(404);
  });

  it('serves OIDC providers at their own path', async () => {
    const rowId = await insertProvider(server, 'scim-oidc.example.com', [{ attributes: { group: 'a' }, isAccountAdmin: true }], { protocol: 'OIDC' });
    const base = `/v2/oidc-identity-providers/${enc(encodeId('OidcIdentityProvider', rowId))}`;
    const created = await createToken(base);
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens.map((t: Json) => t.id)).toEqual([created.id]);
    expect(await callerOf(created.token)).toMatchObject({ idpId: rowId, idpProtocol: 'OIDC', accountId: 1 });
    expect(await scimGet(created.token)).toBe(200);
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(encodeId('OidcIdentityProvider', rowId))}/scim-tokens`)).status).toBe(400);
  });
});

describe('authenticating /scim/v2 requests (§5.1)', () => {
  it('accepts a live token as its provider\'s directory, and records its use at most once a minute', async () => {
    const { rowId, base } = await samlProvider();
    const created = await createToken(base);
    const tokenId = parseId(created.id)!.n;
    expect(await callerOf(created.token)).toEqual({ tokenId, accountId: 1, idpId: rowId, idpProtocol: 'SAML', ip: '127.0.0.1' });
    const lastUsed = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return (await db().selectFrom('scim_tokens').select('last_used_at').where('id', '=', tokenId).executeTakeFirstOrThrow()).last_used_at;
    };
    await expect.poll(lastUsed).not.toBeNull();
    const first = await lastUsed();
    await server.advanceClock(30_000);
    expect(await scimGet(created.token)).toBe(200);
    expect(await lastUsed()).toBe(first);
    await server.advanceClock(31_000);
    expect(await scimGet(created.token)).toBe(200);
    await expect.poll(lastUsed).not.toBe(first);
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens[0].last_used_at).toBe(await lastUsed());
  });

  it('refuses a missing, malformed, typo\'d or unknown token, an API key and an OAuth-shaped token: the same 401, in SCIM\'s error body', async () => {
    const { base } = await samlProvider();
    const { token } = await createToken(base);
    const typo = token.slice(0, 30) + (token[30] === 'a' ? 'b' : 'a') + token.slice(31);
    const unknown = (await createToken(base)).token.replace(/^axscim-.{12}/, 'axscim-ZZZZZZZZZZZZ');
    const apiKey = member.key;
    for (const bearer of [undefined, '', 'nonsense', typo, unknown, apiKey, server.adminKey, 'A'.repeat(43), token.replace('axscim-', 'ak-')]) {
      expect(await scimGet(bearer), String(bearer)).toBe(401);
    }
    expect(await scimGet(token)).toBe(200);
  });

  it('provisions through /scim/v2/Users as its provider\'s directory, audited with the token as the actor, until revoked', async () => {
    const { rowId, base } = await samlProvider();
    const created = await createToken(base);
    const email = `pushed@scim${providerCount}.example.com`;
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, name: { givenName: 'Pat', familyName: 'Pushed' }, active: true };
    const pushed = await server.api('POST', '/scim/v2/Users', { key: created.token, body, headers: { 'content-type': 'application/scim+json' } });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const link = await db().selectFrom('user_identities').selectAll().where('idp_id', '=', rowId).executeTakeFirstOrThrow();
    expect(link.provisioned_by_scim).toBe(1);
    const audit = await db().selectFrom('audit_logs').selectAll().where('operation_name', 'like', 'POST /scim/v2/Users%').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.user_id).toBeNull();
    expect(JSON.parse(audit.variables!)).toMatchObject({ actor: `scim_token:${created.id}` });
    expect((await server.api('GET', `${base}/scim-status`)).body.users).toBe(1);

    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(created.id)}`)).status).toBe(204);
    const after = await server.api('POST', '/scim/v2/Users', { key: created.token, body: { ...body, userName: `later@scim${providerCount}.example.com` } });
    expect(after.status).toBe(401);
  });

  it('answers a SCIM token on /v2 with 401 (it is no API key)', async () => {
    const { base } = await samlProvider();
    const { token } = await createToken(base);
    for (const path of ['/v2/me', '/v2/users', `${base}/scim-tokens`]) expect((await server.api('GET', path, { key: token })).status).toBe(401);
  });

  it('refuses a revoked token at once, even one this process had just verified', async () => {
    const { base } = await samlProvider();
    const created = await createToken(base);
    expect(await scimGet(created.token)).toBe(200);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(created.id)}`)).status).toBe(204);
    expect(await scimGet(created.token)).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { base } = await samlProvider();
    const created = await createToken(base, { expires_at: new Date(ctx().clock.now() + HOUR).toISOString() });
    expect(await scimGet(created.token)).toBe(200);
    await server.advanceClock(HOUR + 1000);
    expect(await scimGet(created.token)).toBe(401);
    // An expired token is listed (the admin deletes it) but not live.
    expect((await server.api('GET', `${base}/scim-tokens`)).body.scim_tokens.map((t: Json) => t.id)).toEqual([created.id]);
    expect((await server.api('GET', `${base}/scim-status`)).body.live_tokens).toBe(0);
  });

  it('stops the tokens of a disabled provider (and starts them again when it is enabled), and of a deleted one', async () => {
    const { id, base } = await samlProvider();
    const { token } = await createToken(base);
    expect(await scimGet(token)).toBe(200);
    expect((await server.api('PATCH', base, { body: { enabled: false } })).status).toBe(200);
    expect(await scimGet(token)).toBe(401);
    expect((await server.api('PATCH', base, { body: { enabled: true } })).status).toBe(200);
    expect(await scimGet(token)).toBe(200);
    expect((await server.api('DELETE', `/v2/saml-identity-providers/${enc(id)}`)).status).toBe(204);
    expect(await scimGet(token)).toBe(401);
  });

  it('records every refusal as an authentication failure, with the reason and never the token', async () => {
    const { base } = await samlProvider();
    const created = await createToken(base);
    expect((await server.api('DELETE', `${base}/scim-tokens/${enc(created.id)}`)).status).toBe(204);
    const before = (await failuresOf('scim_token_revoked')).reduce((n, f) => n + f.count, 0);
    expect(await scimGet(created.token)).toBe(401);
    const revoked = await failuresOf('scim_token_revoked');
    expect(revoked.reduce((n, f) => n + f.count, 0)).toBe(before + 1);
    expect(revoked[0]).toMatchObject({ operation: 'GET /scim/v2/Users', ip: '127.0.0.1' });
    expect(await scimGet('garbage')).toBe(401);
    expect(await failuresOf('scim_token_malformed')).not.toEqual([]);
    expect(JSON.stringify(await db().selectFrom('authentication_failures').selectAll().execute())).not.toContain(created.token.slice(20));
  });
});

describe('too many failures from one address', () => {
  let limited: TestServer;
  beforeAll(async () => { limited = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '3' } }); });
  afterAll(async () => limited?.close());

  it('answers 429 with Retry-After past the limit, while a valid token still passes', async () => {
    const idp = await insertProvider(limited, 'scim-limited.example.com', [{ attributes: { group: 'a' }, isAccountAdmin: true }]);
    const created = await limited.api('POST', `/v2/saml-identity-providers/${enc(encodeId('SamlIdentityProvider', idp))}/scim-tokens`, { body: {} });
    expect(created.status).toBe(201);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await scimGet('axscim-wrong', limited));
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await limited.api('GET', '/scim/v2/Users', { key: 'axscim-wrong' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    expect(await scimGet(created.body.token, limited)).toBe(200);
  });
});

describe('GET …/scim-status', () => {
  it('shows the base URL, live tokens, last request and sync, managed users and groups, and the latest errors', async () => {
    const { id, rowId, base } = await samlProvider();
    const empty = await server.api('GET', `${base}/scim-status`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      base_url: `${ctx().config.publicUrl}/scim/v2`, live_tokens: 0, last_request_at: null, last_sync_at: null, users: 0, groups: 0, recent_errors: [],
    });

    const created = await createToken(base);
    await createToken(base);
    const caller = await callerOf(created.token);
    expect(await scimGet(created.token)).toBe(200);
    const now = new Date(ctx().clock.now()).toISOString();
    const provisioned = await createUserWithKey(server, { email: 'pushed@scim-status.example' });
    const linked = await createUserWithKey(server, { email: 'linked@scim-status.example' });
    await db().insertInto('user_identities').values([
      { idp_id: rowId, subject: provisioned.email, user_id: provisioned.dbId, provisioned_by_scim: 1, last_login_at: null, last_attributes: null, created_at: now,
        scim_external_id: null, scim_user_name: null, scim_user_name_key: null, scim_attributes: null, scim_updated_at: null },
      { idp_id: rowId, subject: linked.email, user_id: linked.dbId, provisioned_by_scim: 0, last_login_at: null, last_attributes: null, created_at: now,
        scim_external_id: null, scim_user_name: null, scim_user_name_key: null, scim_attributes: null, scim_updated_at: null },
    ]).execute();
    await db().insertInto('scim_groups').values({ account_id: 1, idp_id: rowId, display_name: 'Admins', display_name_key: 'admins', external_id: null, created_at: now, updated_at: now }).execute();
    await db().insertInto('audit_logs').values({
      account_id: 1, user_id: null, ip: '127.0.0.1', operation_type: 'MUTATION', operation_name: `SCIM_SYNC ${id}`, operation_text: null, variables: null, created_at: now,
    }).execute();
    for (let i = 0; i < 22; i++) {
      await recordScimError(ctx(), caller, { method: 'PATCH', route: '/scim/v2/Users/:id', status: 400, scimType: 'invalidPath', detail: `error ${i}` });
    }
    await recordScimError(ctx(), caller, { method: 'GET', route: '/scim/v2/Users/:id', status: 404, detail: 'User not found' });

    const res = await server.api('GET', `${base}/scim-status`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ live_tokens: 2, last_sync_at: now, users: 1, groups: 1 });
    await expect.poll(async () => (await server.api('GET', `${base}/scim-status`)).body.last_request_at).not.toBeNull();
    expect(res.body.recent_errors).toHaveLength(20);
    expect(res.body.recent_errors[0]).toEqual({ at: expect.any(String), method: 'GET', route: '/scim/v2/Users/:id', status: 404, detail: 'User not found' });
    expect(res.body.recent_errors[1]).toEqual({
      at: expect.any(String), method: 'PATCH', route: '/scim/v2/Users/:id', status: 400, scim_type: 'invalidPath', detail: 'error 21',
    });
    // The error rows are the account's audit rows of the directory: no user, the token as the actor.
    const row = await db().selectFrom('audit_logs').selectAll().where('operation_name', '=', `SCIM_ERROR ${id}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ account_id: 1, user_id: null });
    expect(JSON.parse(row.variables!)).toEqual({ actor: `scim_token:${created.id}` });

    // Another provider's errors are not this one's.
    const other = await samlProvider();
    expect((await server.api('GET', `${other.base}/scim-status`)).body.recent_errors).toEqual([]);
  });

  it('lists a directory\'s refused request as the SCIM scope recorded it', async () => {
    const { base } = await samlProvider();
    const { token } = await createToken(base);
    const refused = await server.api('GET', `/scim/v2/Groups?filter=${enc('nickName eq "x"')}`, { key: token });
    expect(refused.status).toBe(400);
    const status = (await server.api('GET', `${base}/scim-status`)).body;
    expect(status.recent_errors).toEqual([{
      at: expect.any(String), method: 'GET', route: '/scim/v2/Groups', status: 400, scim_type: refused.body.scimType, detail: refused.body.detail,
    }]);
  });
});

describe.skipIf(testBackend !== 'postgres')('two server processes on one PostgreSQL database (skipped on SQLite: one process owns the file)', () => {
  const adminKey = `ak-scim-pair-admin-${Math.random().toString(36).slice(2)}`;
  let pair: ProcessPair;
  beforeAll(async () => { pair = await startProcessPair({ adminKey }); }, 90_000);
  afterAll(async () => pair?.stop());

  async function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(url + path, {
      method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Milliseconds from `since` until B's /scim/v2 refuses the token (it answered 200 until then); gives up after 5 s. */
  async function msUntilScimRefused(token: string, since: number): Promise<number> {
    for (;;) {
      const { status } = await call(pair.b.url, 'GET', '/scim/v2/Users?count=0', token);
      const elapsed = performance.now() - since;
      if (status === 401) return elapsed;
      expect(status).toBe(200);
      if (elapsed > 5000) return elapsed;
    }
  }

  it('a token revoked, or whose provider is disabled, on A is refused by B within 1 s (B had it cached)', async () => {
    const idp = await call(pair.a.url, 'POST', '/v2/saml-identity-providers', adminKey, {
      name: 'pair-idp', email_domains: ['scim-pair.example.com'], metadata_xml: metadataXml,
      role_mappings: [{ attributes_map: { group: 'admins' }, is_account_admin: true }],
    });
    expect(idp.status, JSON.stringify(idp.body)).toBe(201);
    const base = `/v2/saml-identity-providers/${enc(idp.body.id)}`;
    const [revoked, stopped] = [(await call(pair.a.url, 'POST', `${base}/scim-tokens`, adminKey, {})).body, (await call(pair.a.url, 'POST', `${base}/scim-tokens`, adminKey, {})).body];
    for (const token of [revoked.token, stopped.token]) expect((await call(pair.b.url, 'GET', '/scim/v2/Users?count=0', token)).status).toBe(200);

    let since = performance.now();
    expect((await call(pair.a.url, 'DELETE', `${base}/scim-tokens/${enc(revoked.id)}`, adminKey)).status).toBe(204);
    expect(await msUntilScimRefused(revoked.token, since)).toBeLessThan(1000);

    since = performance.now();
    expect((await call(pair.a.url, 'PATCH', base, adminKey, { enabled: false })).status).toBe(200);
    expect(await msUntilScimRefused(stopped.token, since)).toBeLessThan(1000);
  });
});
