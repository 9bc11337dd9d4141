import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { createTestDatabase } from '../helpers/database.js';
import { builtServeArgs } from '../helpers/server-process.js';
import { type Json, REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

/** §2.8 of the identity contract: `/v2/saml-identity-providers`, its metadata handling, domains, defaults and delete. */
let server: TestServer;
let idp: SamlTestIdp;
/** The IdP's metadata, made once (samlify takes tens of milliseconds per document). */
let metadataXml: string;
let metadataServer: Server;
let metadataBase: string;
/** What the local metadata server answers, by path. */
const served = new Map<string, { status: number; body: string }>();
let domainCount = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  idp = await SamlTestIdp.create();
  metadataXml = idp.metadataXml();
  metadataServer = createServer((req, res) => {
    const answer = served.get(req.url ?? '') ?? { status: 404, body: 'not here' };
    res.writeHead(answer.status, { 'content-type': 'application/xml' }).end(answer.body);
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataBase = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => metadataServer?.close(resolve));
  await server?.close();
});

const db = () => server.context!.store.db;
const base = '/v2/saml-identity-providers';
const domain = () => `corp${++domainCount}.example.com`;
const idOf = (wire: string) => parseId(wire)!.n;

/** A minimal valid body: inline metadata, one catch-all account-admin rule. */
function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `saml-${Math.random().toString(36).slice(2, 8)}`,
    email_domains: [domain()],
    metadata_xml: metadataXml,
    role_mappings: [{ attributes_map: {}, is_account_admin: true }],
    ...extra,
  };
}

async function create(extra: Record<string, unknown> = {}, key?: string): Promise<Json> {
  const res = await server.api('POST', base, { body: body(extra), ...(key ? { key } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function providerCount(): Promise<number> {
  return (await db().selectFrom('identity_providers').select('id').where('deleted_at', 'is', null).execute()).length;
}

describe('creating and reading SAML identity providers', () => {
  it('creates one from inline metadata XML and shows what it derives from it', async () => {
    const corp = domain();
    const created = await create({ email_domains: [corp.toUpperCase(), corp], sign_authn: true });
    expect(Buffer.from(created.id, 'base64').toString()).toMatch(/^SamlIdentityProvider:\d+$/);
    expect(created.email_domains).toEqual([{ domain: corp, validated: true }]);
    expect(created).toMatchObject({
      enabled: true, allow_only_sso_logins: false, sync_user_roles: true, allow_default_login: false, sign_authn: true,
      allow_idp_initiated: false, is_managed_by_file: false, metadata_url: null, metadata_fetched_at: null,
      idp_entity_id: idp.entityId, idp_sso_url: idp.ssoUrl,
      default_org_id: null, default_org_role_id: null, default_space_id: null, default_space_role_id: null,
      sp_entity_id: server.url, acs_url: `${server.url}/auth/v2/saml`, sp_metadata_url: `${server.url}/auth/v2/saml/metadata`,
      login_url: `${server.url}/auth/v2/saml/login?idp_id=${enc(created.id)}`,
    });
    expect(created.metadata_xml).toContain('EntityDescriptor');
    expect(created.idp_certificates).toHaveLength(1);
    expect(created.idp_certificates[0].sha256_fingerprint).toMatch(/[0-9A-Fa-f]{2}/);
    expect(created.role_mappings).toHaveLength(1);
    expect(created.role_mappings[0]).toMatchObject({ position: 1, attributes_map: {}, is_account_admin: true, org_role: null, space_roles: [], project_roles: [] });

    const got = await server.api('GET', `${base}/${enc(created.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);

    const audit = await db().selectFrom('audit_logs').select(['operation_name', 'operation_text'])
      .where('operation_name', '=', 'POST /v2/saml-identity-providers').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.operation_text).toMatch(/\[metadata XML, \d+ characters\]/);
    expect(audit.operation_text).not.toContain('EntityDescriptor');
  });

  it('lists summaries (no metadata_xml, no role_mappings), paginated', async () => {
    await create();
    await create();
    const seen: Json[] = [];
    let cursor: string | undefined;
    do {
      const res = await server.api('GET', `${base}?limit=1${cursor ? `&cursor=${enc(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.saml_identity_providers);
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(seen.length).toBe(await providerCount() - (await db().selectFrom('identity_providers').select('id')
      .where('protocol', '=', 'OIDC').where('deleted_at', 'is', null).execute()).length);
    for (const entry of seen) {
      expect(entry).not.toHaveProperty('metadata_xml');
      expect(entry).not.toHaveProperty('role_mappings');
      expect(entry).toHaveProperty('idp_entity_id');
    }
  });

  it('fetches metadata from a URL (through the outbound guard) and switches between URL and XML', async () => {
    served.set('/idp-metadata.xml', { status: 200, body: metadataXml });
    const created = await create({ metadata_xml: undefined, metadata_url: `${metadataBase}/idp-metadata.xml` });
    expect(created.metadata_url).toBe(`${metadataBase}/idp-metadata.xml`);
    expect(created.metadata_xml).toBeNull();
    expect(created.metadata_fetched_at).not.toBeNull();
    expect(created.idp_entity_id).toBe(idp.entityId);

    const toXml = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { metadata_xml: metadataXml } });
    expect(toXml.status, JSON.stringify(toXml.body)).toBe(200);
    expect(toXml.body.metadata_url).toBeNull();
    expect(toXml.body.metadata_xml).toContain('EntityDescriptor');

    const other = await SamlTestIdp.create();
    served.set('/other.xml', { status: 200, body: other.metadataXml() });
    const toUrl = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { metadata_url: `${metadataBase}/other.xml` } });
    expect(toUrl.status, JSON.stringify(toUrl.body)).toBe(200);
    expect(toUrl.body).toMatchObject({ metadata_url: `${metadataBase}/other.xml`, metadata_xml: null, idp_entity_id: other.entityId });
  });

  it('refuses metadata it may not fetch, cannot reach or cannot use, and saves nothing', async () => {
    served.set('/not-metadata.xml', { status: 200, body: '<html><body>login</body></html>' });
    served.set('/broken.xml', { status: 500, body: 'oops' });
    const before = await providerCount();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cases: [Record<string, unknown>, string][] = [
      [{ metadata_url: 'http://127.0.0.2/metadata' }, 'SSO_URL_NOT_ALLOWED'],
      [{ metadata_url: 'https://10.1.2.3/metadata' }, 'SSO_URL_NOT_ALLOWED'],
      [{ metadata_url: 'https://user:pw@idp.example.com/metadata' }, 'SSO_URL_NOT_ALLOWED'],
      [{ metadata_url: `http://127.0.0.1:${closedPort}/metadata` }, 'SAML_METADATA_UNREACHABLE'],
      [{ metadata_url: `${metadataBase}/broken.xml` }, 'SAML_METADATA_UNREACHABLE'],
      [{ metadata_url: `${metadataBase}/not-metadata.xml` }, 'SAML_METADATA_INVALID'],
      [{ metadata_xml: '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>' }, 'SAML_METADATA_INVALID'],
      [{ metadata_xml: 'not xml at all' }, 'SAML_METADATA_INVALID'],
    ];
    for (const [metadata, code] of cases) {
      const res = await server.api('POST', base, { body: { ...body(), metadata_xml: undefined, ...metadata } });
      expect(res.status, `${JSON.stringify(metadata)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code, JSON.stringify(metadata)).toBe(code);
    }
    expect(await providerCount()).toBe(before);

    const created = await create();
    const patch = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { metadata_url: 'https://10.1.2.3/metadata' } });
    expect(patch.body.code).toBe('SSO_URL_NOT_ALLOWED');
    expect((await server.api('GET', `${base}/${enc(created.id)}`)).body.metadata_xml).toBe(created.metadata_xml);
  });

  it('wants exactly one of metadata_url and metadata_xml (400)', async () => {
    const both = await server.api('POST', base, { body: body({ metadata_url: `${metadataBase}/idp-metadata.xml` }) });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('VALIDATION_FAILED');
    expect(both.body.detail).toMatch(/metadata_url/);
    const neither = await server.api('POST', base, { body: body({ metadata_xml: undefined }) });
    expect(neither.status).toBe(400);
    expect(neither.body.code).toBe('VALIDATION_FAILED');
    const created = await create();
    const cleared = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { metadata_xml: null } });
    expect(cleared.status).toBe(400);
    expect((await server.api('PATCH', `${base}/${enc(created.id)}`, { body: {} })).status).toBe(400);
  });
  it('announces every change on the change feed with the provider\'s id, so other processes drop what they cached', async () => {
    const seen: number[][] = [];
    server.context!.changes.subscribe((change) => { if (change.idpIds) seen.push(change.idpIds); });
    const created = await create();
    const id = idOf(created.id);
    await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { enabled: false } });
    await server.api('POST', `${base}/${enc(created.id)}/role-mappings`, { body: { attributes_map: { group: 'x' }, is_account_admin: true } });
    await server.api('DELETE', `${base}/${enc(created.id)}`);
    expect(seen.filter((ids) => ids.includes(id))).toHaveLength(4);
  });
});

describe('email domains', () => {
  it('are unique across every provider of every account (409 SSO_DOMAIN_TAKEN, not naming the other account)', async () => {
    const taken = domain();
    await create({ email_domains: [taken] });
    const tenant = await createSecondAccount(server, 'admin@saml-tenant-b.example');
    const res = await server.api('POST', base, { key: tenant.admin.key, body: body({ email_domains: [taken.toUpperCase()] }) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SSO_DOMAIN_TAKEN');
    expect(JSON.stringify(res.body)).not.toMatch(/tenant|account 1|Account:/i);

    // An account other than the operator's: its domains are not validated unless the operator lists them.
    const own = await server.api('POST', base, { key: tenant.admin.key, body: body() });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.email_domains[0].validated).toBe(false);
    expect((await server.api('GET', base, { key: tenant.admin.key })).body.saml_identity_providers.map((p: Json) => p.id)).toEqual([own.body.id]);
  });

  it('PATCH email_domains replaces the set; a deleted provider frees its domains', async () => {
    const [a, b, c] = [domain(), domain(), domain()];
    const created = await create({ email_domains: [a, b] });
    const patched = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { email_domains: [c, b] } });
    expect(patched.status).toBe(200);
    expect(patched.body.email_domains.map((d: Json) => d.domain)).toEqual([b, c]);
    await create({ email_domains: [a] });
    expect((await server.api('DELETE', `${base}/${enc(created.id)}`)).status).toBe(204);
    await create({ email_domains: [b, c] });
  });

  it('refuses a domain that is not a DNS name (400), and a name already used in the account (409 CONFLICT)', async () => {
    for (const bad of ['*.example.com', 'example', 'exa mple.com', '-bad.example.com', 'user@example.com']) {
      const res = await server.api('POST', base, { body: body({ email_domains: [bad] }) });
      expect(res.status, bad).toBe(400);
    }
    const created = await create();
    const dup = await server.api('POST', base, { body: body({ name: created.name }) });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CONFLICT');
  });
});

describe('default login', () => {
  let orgId: string;
  let spaceId: string;
  let memberRoleId: string;
  let readOnlyRoleId: string;

  beforeAll(async () => {
    orgId = await createOrganization(server, 'saml-default-org');
    spaceId = await createSpace(server, orgId, 'saml-default-space');
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as Json[];
    memberRoleId = roles.find((r) => r.name === 'Member').id;
    readOnlyRoleId = roles.find((r) => r.name === 'Read Only').id;
  });

  const defaults = () => ({ default_org_id: orgId, default_org_role_id: memberRoleId, default_space_id: spaceId, default_space_role_id: readOnlyRoleId });

  it('takes all four defaults with allow_default_login, and then needs no initial mapping', async () => {
    const created = await create({ allow_default_login: true, role_mappings: undefined, ...defaults() });
    expect(created).toMatchObject({ allow_default_login: true, ...defaults(), role_mappings: [] });
  });

  it('without default login and without mappings nobody could sign in: 422 "supply initial role mappings"', async () => {
    const res = await server.api('POST', base, { body: body({ role_mappings: [] }) });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/supply initial role mappings/);
  });

  it('refuses partial defaults (400), default login without them (422), a custom org role and a space elsewhere (422)', async () => {
    const partial = await server.api('POST', base, { body: body({ default_org_id: orgId }) });
    expect(partial.status).toBe(400);
    expect(partial.body.code).toBe('VALIDATION_FAILED');
    const without = await server.api('POST', base, { body: body({ allow_default_login: true }) });
    expect(without.status).toBe(422);
    const custom = encodeId('Role', await insertCustomRole(server, 'saml-default-custom', ['SPACE_READ']));
    const customOrgRole = await server.api('POST', base, { body: body({ allow_default_login: true, ...defaults(), default_org_role_id: custom }) });
    expect(customOrgRole.status).toBe(422);
    const otherOrg = await createOrganization(server, 'saml-default-other-org');
    const elsewhere = await createSpace(server, otherOrg, 'saml-default-elsewhere');
    const outside = await server.api('POST', base, { body: body({ allow_default_login: true, ...defaults(), default_space_id: elsewhere }) });
    expect(outside.status).toBe(422);
    expect(outside.body.detail).toMatch(/default_space_id/);
  });

  it('answers a foreign-typed id 400 INVALID_ID and an id of another account 404 naming the field', async () => {
    const typed = await server.api('POST', base, { body: body({ allow_default_login: true, ...defaults(), default_org_id: spaceId }) });
    expect(typed.status).toBe(400);
    expect(typed.body.code).toBe('INVALID_ID');
    expect(typed.body.detail).toMatch(/default_org_id/);
    const unknown = await server.api('POST', base, { body: body({ allow_default_login: true, ...defaults(), default_org_id: encodeId('Organization', 999_999) }) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toMatch(/default_org_id/);
  });

  it('PATCH may change one default, checked against the stored others', async () => {
    const created = await create({ allow_default_login: true, ...defaults() });
    const otherSpace = await createSpace(server, orgId, 'saml-default-space-2');
    const moved = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { default_space_id: otherSpace } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.default_space_id).toBe(otherSpace);
    const off = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { default_org_id: null } });
    expect(off.status).toBe(400);
  });
});

describe('who may manage identity providers', () => {
  it('account admins only: 403 for a member, also on reads', async () => {
    const created = await create();
    const member = await createUserWithKey(server, { email: 'saml-member@example.com', role: 'MEMBER' });
    const id = enc(created.id);
    const attempts: [string, string, unknown?][] = [
      ['GET', base], ['POST', base, body()], ['GET', `${base}/${id}`], ['PATCH', `${base}/${id}`, { enabled: false }],
      ['DELETE', `${base}/${id}`], ['GET', `${base}/${id}/role-mappings`], ['GET', '/v2/sso/service-provider'],
      ['POST', `${base}/${id}/role-mappings/evaluate`, { attributes: {} }],
    ];
    for (const [method, path, requestBody] of attempts) {
      const res = await server.api(method, path, { key: member.key, ...(requestBody ? { body: requestBody } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  it('an OIDC provider id on the SAML path is 400 INVALID_ID; an unknown id or another account\'s is 404', async () => {
    expect((await server.api('GET', `${base}/${enc(encodeId('OidcIdentityProvider', 1))}`)).body.code).toBe('INVALID_ID');
    expect((await server.api('GET', `${base}/${enc(encodeId('SamlIdentityProvider', 999_999))}`)).status).toBe(404);
    const tenant = await createSecondAccount(server, 'admin@saml-tenant-c.example');
    const theirs = await server.api('POST', base, { key: tenant.admin.key, body: body() });
    expect(theirs.status).toBe(201);
    expect((await server.api('GET', `${base}/${enc(theirs.body.id)}`)).status).toBe(404);
    expect((await server.api('DELETE', `${base}/${enc(theirs.body.id)}`)).status).toBe(404);
  });
});

describe('GET /v2/sso/service-provider', () => {
  it('tells the IdP admin the entity id, ACS, metadata URL and OIDC redirect URI', async () => {
    const res = await server.api('GET', '/v2/sso/service-provider');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entity_id: server.url, acs_url: `${server.url}/auth/v2/saml`, metadata_url: `${server.url}/auth/v2/saml/metadata`,
      oidc_redirect_uri: `${server.url}/auth/oidc/callback`,
    });
  });
});

describe('DELETE /v2/saml-identity-providers/{idp_id}', () => {
  it('soft-deletes: links removed, every SSO grant it wrote becomes MANUAL, the promoted role unowned; the audit row lists the users', async () => {
    const created = await create();
    const idpId = idOf(created.id);
    const user = await createUserWithKey(server, { email: 'saml-synced@example.com', role: 'ADMIN' });
    const orgId = idOf(await createOrganization(server, 'saml-delete-org'));
    const memberRole = (await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', 'MEMBER').executeTakeFirstOrThrow()).id;
    const now = new Date().toISOString();
    await db().insertInto('organization_memberships').values({
      account_id: 1, organization_id: orgId, user_id: user.dbId, role_id: memberRole, source: 'SSO', source_idp_id: idpId, created_at: now, updated_at: now,
    }).execute();
    await db().updateTable('users').set({ role_source: `SSO:${idpId}`, role_before_sync: 'MEMBER' }).where('id', '=', user.dbId).execute();
    await db().insertInto('user_identities').values({
      idp_id: idpId, subject: user.email, user_id: user.dbId, provisioned_by_scim: 0, last_login_at: now, last_attributes: '{}', created_at: now,
    }).execute();

    expect((await server.api('GET', `${base}/${enc(created.id)}/users/${enc(user.id)}`)).status).toBe(200);
    const res = await server.api('DELETE', `${base}/${enc(created.id)}`);
    expect(res.status).toBe(204);
    expect((await server.api('GET', `${base}/${enc(created.id)}`)).status).toBe(404);
    expect((await server.api('DELETE', `${base}/${enc(created.id)}`)).status).toBe(404);

    const membership = await db().selectFrom('organization_memberships').select(['source', 'source_idp_id'])
      .where('user_id', '=', user.dbId).where('organization_id', '=', orgId).executeTakeFirstOrThrow();
    expect(membership).toEqual({ source: 'MANUAL', source_idp_id: null });
    const row = await db().selectFrom('users').select(['role', 'role_source', 'role_before_sync']).where('id', '=', user.dbId).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'ADMIN', role_source: null, role_before_sync: null });
    expect(await db().selectFrom('user_identities').selectAll().where('idp_id', '=', idpId).execute()).toEqual([]);
    expect(await db().selectFrom('identity_provider_domains').selectAll().where('idp_id', '=', idpId).execute()).toEqual([]);
    const kept = await db().selectFrom('identity_providers').select('deleted_at').where('id', '=', idpId).executeTakeFirstOrThrow();
    expect(kept.deleted_at).not.toBeNull();

    const audit = await db().selectFrom('audit_logs').select('operation_text')
      .where('operation_name', '=', 'DELETE /v2/saml-identity-providers/:idp_id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.operation_text!)).toEqual({ grants_now_manual_for_users: [user.id], links_removed: 1, scim_groups_removed: 0, scim_tokens_revoked: 0 });
  });
});

describe('AX_PUBLIC_URL unset while identity providers exist (identity.md §1.3)', () => {
  it('is warned about at start: the listen URL stands in for every provider\'s Entity ID, ACS and redirect base', async () => {
    const db = await createTestDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-public-url-'));
    const adminKey = `ak-test-admin-${Math.random().toString(36).slice(2)}`;
    const { AX_PUBLIC_URL: _inherited, ...inherited } = process.env;
    const env = { ...inherited, DATABASE_URL: db.url ?? '', AX_DATA_DIR: dataDir, AX_ADMIN_API_KEY: adminKey, ARIZE_DIRECTORY: join(dataDir, 'arize'), AX_LOG_LEVEL: 'info' };
    /**
     * Starts the built `ax serve` in its own process; resolves with its URL (from the ready line) and its log lines
     * so far, which go on growing: one chunk of output can hold lines after the ready one.
     */
    const startAndReadLog = async (): Promise<{ url: string; lines: string[]; stop: () => Promise<void> }> => {
      const child = spawn(process.execPath, builtServeArgs(), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const stop = () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
      const lines: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${lines.join('\n')}`)), 30_000);
        createInterface({ input: child.stdout! }).on('line', (line) => {
          lines.push(line);
          if (line.includes('"msg":"ax server ready"')) {
            clearTimeout(timer);
            resolve(JSON.parse(line).url as string);
          }
        });
      });
      return { url, lines, stop };
    };
    const warned = (lines: string[]) => lines.some((line) => line.includes('AX_PUBLIC_URL is not set but identity providers exist'));
    try {
      const first = await startAndReadLog();
      expect(warned(first.lines)).toBe(false);
      const created = await fetch(`${first.url}/v2/saml-identity-providers`, {
        method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'warned', email_domains: ['warned.example.com'], metadata_xml: idp.metadataXml(), role_mappings: [{ attributes_map: {}, is_account_admin: true }] }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      await first.stop();
      const second = await startAndReadLog();
      await second.stop();
      expect(warned(second.lines), second.lines.join('\n')).toBe(true);
    } finally {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
