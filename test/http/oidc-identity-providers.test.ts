import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, enc } from '../helpers/hierarchy.js';
import { startStubOp, type StubOp } from '../helpers/oidc-op.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';

/** §3.3 of the identity contract: `/v2/oidc-identity-providers`, the OIDC mirror of the SAML admin API. */
let server: TestServer;
let op: StubOp;
let domainCount = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  op = await startStubOp({ clientId: 'ax-console', clientSecret: 'op-secret-abcd' });
});
afterAll(async () => {
  await op?.close();
  await server?.close();
});

const db = () => server.context!.store.db;
const base = '/v2/oidc-identity-providers';

function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `oidc-${++domainCount}`,
    email_domains: [`oidc${domainCount}.example.com`],
    issuer: op.issuer,
    client_id: op.clientId,
    client_secret: 'super-secret-value-wxyz',
    role_mappings: [{ attributes_map: { groups: 'ax-admins' }, is_account_admin: true }],
    ...extra,
  };
}

async function create(extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await server.api('POST', base, { body: body(extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('OIDC identity providers', () => {
  it('creates one after discovery, seals the client secret and shows only its last four characters', async () => {
    const created = await create({ groups_claim_path: 'realm_access.roles' });
    expect(Buffer.from(created.id, 'base64').toString()).toMatch(/^OidcIdentityProvider:\d+$/);
    expect(created).toMatchObject({
      issuer: op.issuer, client_id: 'ax-console', redacted_client_secret: '…wxyz', scopes: ['openid', 'email', 'profile'],
      email_claim_path: 'email', name_claim_path: 'name', groups_claim_path: 'realm_access.roles', use_userinfo: true,
      redirect_uri: `${server.url}/auth/oidc/callback`, login_url: `${server.url}/auth/oidc/login?idp_id=${enc(created.id)}`,
      enabled: true, is_managed_by_file: false,
    });
    expect(created).not.toHaveProperty('client_secret');
    expect(created.role_mappings).toHaveLength(1);

    const row = await db().selectFrom('identity_providers').selectAll().where('id', '=', parseId(created.id)!.n).executeTakeFirstOrThrow();
    expect(row.client_secret_enc).toMatch(/^v1\./);
    expect(row.client_secret_enc).not.toContain('super-secret');
    expect(JSON.parse(row.discovery_cached!).issuer).toBe(op.issuer);
    expect(row.discovery_fetched_at).not.toBeNull();

    const audit = await db().selectFrom('audit_logs').select('operation_text')
      .where('operation_name', '=', 'POST /v2/oidc-identity-providers').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.operation_text).toContain('[REDACTED]');
    expect(audit.operation_text).not.toContain('super-secret');

    expect((await server.api('GET', `${base}/${enc(created.id)}`)).body).toEqual(created);
    const list = await server.api('GET', base);
    const entry = list.body.oidc_identity_providers.find((p: Json) => p.id === created.id);
    expect(entry).not.toHaveProperty('role_mappings');
    expect(entry.redacted_client_secret).toBe('…wxyz');
  });

  it('updates fields, replaces the secret, and keeps what a PATCH does not name', async () => {
    const created = await create({ client_secret: undefined });
    expect(created.redacted_client_secret).toBeNull();
    const res = await server.api('PATCH', `${base}/${enc(created.id)}`, {
      body: { client_secret: 'another-secret-9876', scopes: ['openid', 'groups'], groups_claim_path: 'groups', use_userinfo: false, enabled: false },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      redacted_client_secret: '…9876', scopes: ['openid', 'groups'], groups_claim_path: 'groups', use_userinfo: false, enabled: false,
      issuer: op.issuer, client_id: 'ax-console', name: created.name,
    });
    const cleared = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { groups_claim_path: null } });
    expect(cleared.body.groups_claim_path).toBeNull();
  });

  it('refuses scopes without openid, an invalid JMESPath, a refused or failing issuer (400), and saves nothing', async () => {
    const count = async () => (await db().selectFrom('identity_providers').select('id').where('protocol', '=', 'OIDC').execute()).length;
    const before = await count();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ scopes: ['email', 'profile'] }, 'VALIDATION_FAILED', /scopes/],
      [{ groups_claim_path: 'realm_access.[' }, 'VALIDATION_FAILED', /groups_claim_path/],
      [{ email_claim_path: '&&' }, 'VALIDATION_FAILED', /email_claim_path/],
      [{ issuer: 'https://10.9.8.7' }, 'SSO_URL_NOT_ALLOWED', /./],
      [{ issuer: 'http://127.0.0.2:1' }, 'SSO_URL_NOT_ALLOWED', /./],
      [{ issuer: `http://127.0.0.1:${closedPort}` }, 'OIDC_DISCOVERY_FAILED', /./],
      [{ issuer: `${op.issuer}/other` }, 'OIDC_DISCOVERY_FAILED', /./],
    ];
    for (const [extra, code, detail] of cases) {
      const res = await server.api('POST', base, { body: body(extra) });
      expect(res.status, `${JSON.stringify(extra)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code, JSON.stringify(extra)).toBe(code);
      expect(res.body.detail).toMatch(detail);
    }
    expect(await count()).toBe(before);
  });

  it('shares email domains with SAML providers: a domain one protocol holds is 409 SSO_DOMAIN_TAKEN for the other', async () => {
    const saml = await SamlTestIdp.create();
    const samlRes = await server.api('POST', '/v2/saml-identity-providers', {
      body: { name: 'saml-holder', email_domains: ['shared.example.com'], metadata_xml: saml.metadataXml(), role_mappings: [{ attributes_map: {}, is_account_admin: true }] },
    });
    expect(samlRes.status).toBe(201);
    const res = await server.api('POST', base, { body: body({ email_domains: ['Shared.Example.com'] }) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SSO_DOMAIN_TAKEN');
    const created = await create();
    const patched = await server.api('PATCH', `${base}/${enc(created.id)}`, { body: { email_domains: ['shared.example.com'] } });
    expect(patched.body.code).toBe('SSO_DOMAIN_TAKEN');
    // The SAML id on the OIDC path (and back) is a foreign-typed id.
    expect((await server.api('GET', `${base}/${enc(samlRes.body.id)}`)).body.code).toBe('INVALID_ID');
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(created.id)}/role-mappings`)).body.code).toBe('INVALID_ID');
  });

  it('has the same role-mapping routes as SAML, and deletes like SAML', async () => {
    const created = await create();
    const path = `${base}/${enc(created.id)}/role-mappings`;
    const orgId = await createOrganization(server, 'oidc-mapping-org');
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as Json[];
    const member = roles.find((r) => r.name === 'Member').id;
    const rule = await server.api('POST', path, { body: { attributes_map: { groups: 'ml' }, org_role: { org_id: orgId, role_id: member }, position: 1 } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    expect(rule.body.position).toBe(1);
    const evaluated = await server.api('POST', `${path}/evaluate`, { body: { attributes: { groups: ['ml'] } } });
    expect(evaluated.body.grants).toEqual([{ kind: 'ORGANIZATION_MEMBERSHIP', resource_id: orgId, role_id: member, origin: 'MAPPING', mapping_position: 1 }]);

    const user = await createUserWithKey(server, { email: 'oidc-linked@example.com' });
    const idpId = parseId(created.id)!.n;
    const now = new Date().toISOString();
    await db().insertInto('user_identities').values({
      idp_id: idpId, subject: 'op-subject-1', user_id: user.dbId, provisioned_by_scim: 0, last_login_at: now, last_attributes: JSON.stringify({ groups: ['ml'] }), created_at: now,
    }).execute();
    const link = await server.api('GET', `${base}/${enc(created.id)}/users/${enc(user.id)}`);
    expect(link.status).toBe(200);
    expect(link.body.subject).toBe('op-subject-1');
    expect(link.body.evaluation.matched).toEqual([rule.body.id]);

    expect((await server.api('DELETE', `${base}/${enc(created.id)}`)).status).toBe(204);
    expect((await server.api('GET', `${base}/${enc(created.id)}`)).status).toBe(404);
    expect((await server.api('GET', `${base}/${enc(created.id)}/users/${enc(user.id)}`)).status).toBe(404);
    expect(await db().selectFrom('user_identities').selectAll().where('idp_id', '=', idpId).execute()).toEqual([]);
    expect((await server.api('GET', `${base}/${enc(encodeId('OidcIdentityProvider', 999_999))}`)).status).toBe(404);
  });
});
