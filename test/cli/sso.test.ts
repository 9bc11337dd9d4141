import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli/errors/exit-codes.js';
import { stripAnsi } from '../../src/cli/output/style.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';
import { runAx, type AxResult } from './ax-process.js';
import { runAxInTty } from './tty.js';

/**
 * The SSO administration commands through the real `ax` binary against a real server (identity.md §7.2): both
 * spellings (`ax saml-identity-providers …` and `ax sso …`), names for providers, organizations, spaces, projects
 * and roles, the OIDC client secret from a file, and the one-line errors.
 */
let server: TestServer;
let discovery: Server;
let issuer: string;
let dir: string;
const ids: Record<string, string> = {};
const CLIENT_SECRET = 'oidc-client-secret-9f3Kq';

vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  dir = mkdtempSync(join(tmpdir(), 'ax-sso-cli-'));
  const metadataXml = (await SamlTestIdp.create()).metadataXml();
  writeFileSync(join(dir, 'idp-metadata.xml'), metadataXml);
  writeFileSync(join(dir, 'client-secret'), `${CLIENT_SECRET}\n`);

  // A tiny identity provider host: SAML metadata and an OpenID discovery document (creating a provider fetches them).
  discovery = createServer((req, res) => {
    if (req.url === '/idp-metadata.xml') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(metadataXml);
      return;
    }
    if (req.url !== '/realms/ax/.well-known/openid-configuration') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      userinfo_endpoint: `${issuer}/protocol/openid-connect/userinfo`,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
    }));
  });
  await new Promise<void>((resolve) => discovery.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(discovery.address() as AddressInfo).port}/realms/ax`;

  const org = (await server.api('POST', '/v2/organizations', { body: { name: 'Platform Team' } })).body;
  const space = (await server.api('POST', '/v2/spaces', { body: { name: 'team-alpha', organization_id: org.id } })).body;
  const project = (await server.api('POST', '/v2/projects', { body: { name: 'p', space_id: space.id } })).body;
  const role = (await server.api('POST', '/v2/roles', { body: { name: 'my-custom-role', permissions: ['PROJECT_READ'] } })).body;
  const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
  Object.assign(ids, {
    org: org.id, space: space.id, project: project.id, customRole: role.id,
    member: roles.find((r) => r.name === 'Member')!.id, readOnly: roles.find((r) => r.name === 'Read Only')!.id,
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => discovery?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ax(args: string[], code: number = EXIT.OK, extraEnv: Record<string, string> = {}): Promise<AxResult> {
  const result = await runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: dir, COLUMNS: '250', ...extraEnv } });
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(code);
  return result;
}

async function axJson(args: string[]): Promise<Json> {
  return JSON.parse((await ax([...args, '-o', 'json'])).stdout);
}

/** An error is one `✗ Error:` line and at most one `Suggestion:` line on stderr. */
function expectOneLineError(result: AxResult, pattern: RegExp): void {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^✗ Error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((line) => /^(Suggestion:|Run '.*--help' for usage\.)/.test(line))).toBe(true);
  expect(result.stdout).toBe('');
}

describe('ax sso sp-info', () => {
  it("prints what to give the IdP admin: this server's EntityID, ACS and metadata URL", async () => {
    const [info, panel] = await Promise.all([axJson(['sso', 'sp-info']), ax(['sso', 'sp-info'])]);
    expect(info).toEqual({
      entity_id: server.url,
      acs_url: `${server.url}/auth/v2/saml`,
      metadata_url: `${server.url}/auth/v2/saml/metadata`,
      oidc_redirect_uri: `${server.url}/auth/oidc/callback`,
    });
    expect(panel.stdout).toMatch(new RegExp(`^acs_url\\s+${server.url}/auth/v2/saml$`, 'm'));
  });
});

describe('SAML providers (ax saml-identity-providers)', () => {
  it('creates one from a metadata file, with initial mappings naming spaces and roles', async () => {
    const mappings = JSON.stringify([
      { attributes_map: { group: 'my-admins' }, is_account_admin: true },
      { attributes_map: { group: 'team-ml' }, space_roles: [{ space_id: 'team-alpha', role_id: 'my-custom-role' }] },
    ]);
    const created = await axJson(['saml-identity-providers', 'create', '--name', 'Okta', '--email-domain', 'example.test',
      '--metadata-file', join(dir, 'idp-metadata.xml'), '--mappings', mappings]);
    ids.okta = created.id;
    expect(Buffer.from(created.id, 'base64').toString()).toMatch(/^SamlIdentityProvider:/);
    expect(created).toMatchObject({
      name: 'Okta', email_domains: [{ domain: 'example.test' }], sync_user_roles: true, acs_url: `${server.url}/auth/v2/saml`,
    });
    expect(created.idp_entity_id).toMatch(/^https:\/\/idp\.example\.test\//);
    expect(created.role_mappings).toMatchObject([
      { position: 1, attributes_map: { group: 'my-admins' }, is_account_admin: true },
      { position: 2, attributes_map: { group: 'team-ml' }, space_roles: [{ space_id: ids.space, role_id: ids.customRole }] },
    ]);
  });

  it('lists, gets by name (a panel and its rules, no XML in the table) and updates', async () => {
    const [list, listJson, got, gotJson] = await Promise.all([
      ax(['saml-identity-providers', 'list']), axJson(['saml-identity-providers', 'list']),
      ax(['saml-identity-providers', 'get', 'Okta']), axJson(['saml-identity-providers', 'get', ids.okta!]),
    ]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+EMAIL DOMAINS\s+ENABLED/m);
    expect(list.stdout).toMatch(new RegExp(`^${escape(ids.okta!)}\\s+Okta\\s+example\\.test\\s+true`, 'm'));
    expect(listJson).toMatchObject({ saml_identity_providers: [{ id: ids.okta }], pagination: { has_more: false } });

    const panel = got.stdout;
    expect(panel).toMatch(/^name\s+Okta$/m);
    expect(panel).not.toMatch(/^metadata_xml/m);
    expect(panel).toMatch(/^2\s+\S+\s+group=team-ml\s+false\s+team-alpha: my-custom-role/m);
    expect(gotJson.metadata_xml).toContain('EntityDescriptor');

    const updated = await axJson(['saml-identity-providers', 'update', 'Okta', '--no-sync-user-roles', '--email-domain', 'example.test,corp.example.test']);
    expect(updated.sync_user_roles).toBe(false);
    expect(updated.email_domains.map((d: { domain: string }) => d.domain).sort()).toEqual(['corp.example.test', 'example.test']);
    await ax(['saml-identity-providers', 'update', 'Okta'], EXIT.USAGE);
  });

  it('manages role mappings by names, positions and ids (ax sso role-mappings, ax saml-identity-providers role-mappings)', async () => {
    const added = await axJson(['sso', 'role-mappings', 'add', '--provider', 'Okta', '--attribute', 'group=team-alpha',
      '--space-role', 'team-alpha=MEMBER', '--project-role', 'p=my-custom-role']);
    expect(added).toMatchObject({
      position: 3, attributes_map: { group: 'team-alpha' },
      space_roles: [{ space_id: ids.space, role_id: ids.member }], project_roles: [{ project_id: ids.project, role_id: ids.customRole }],
    });
    const table = (await ax(['sso', 'role-mappings', 'list', '--provider', 'Okta'])).stdout;
    expect(table).toMatch(/^3\s+\S+\s+group=team-alpha\s+false\s+team-alpha: Member\s+p: my-custom-role$/m);

    const moved = await axJson(['saml-identity-providers', 'role-mappings', 'update', '3', '--idp', 'Okta', '--position', '1', '--space-role', `${ids.space}=read-only`]);
    expect(moved).toMatchObject({ id: added.id, position: 1, space_roles: [{ space_id: ids.space, role_id: ids.readOnly }] });
    expect(await axJson(['saml-identity-providers', 'role-mappings', 'get', '1', '--idp', ids.okta!])).toMatchObject({ id: added.id });

    const created = await axJson(['saml-identity-providers', 'role-mappings', 'create', '--idp', 'Okta', '--org-role', 'Platform Team=read-only']);
    expect(created).toMatchObject({ position: 4, attributes_map: {}, org_role: { org_id: ids.org, role_id: ids.readOnly } });
    await ax(['sso', 'role-mappings', 'remove', created.id, '--provider', 'Okta'], EXIT.USAGE);
    expect((await ax(['sso', 'role-mappings', 'remove', created.id, '--provider', 'Okta', '--force'])).stdout).toContain('Deleted role mapping #4');
    expect((await axJson(['sso', 'role-mappings', 'list', '--provider', 'Okta'])).role_mappings.map((m: { position: number }) => m.position)).toEqual([1, 2, 3]);
  });

  it('evaluates attributes against the mappings without writing anything', async () => {
    const result = await axJson(['sso', 'evaluate', '--provider', 'Okta', '--attribute', 'group=my-admins', '--attribute', 'group=team-ml']);
    expect(result.defaults_used).toBe(false);
    expect(result.matched).toHaveLength(2);
    expect(result.grants).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'ACCOUNT_ADMIN', origin: 'MAPPING' }),
      expect.objectContaining({ kind: 'SPACE_ROLE_BINDING', resource_id: ids.space, role_id: ids.customRole, origin: 'MAPPING' }),
    ]));
    const table = (await ax(['saml-identity-providers', 'role-mappings', 'evaluate', '--idp', 'Okta', '--attribute', 'group=my-admins'])).stdout;
    expect(table).toMatch(/^1 rule matches\.$/m);
    expect(table).toMatch(/^account admin\s+rule #2$/m);
  });
});

describe('OIDC providers (ax oidc-identity-providers, ax sso providers)', () => {
  it('creates one against a discovery document, reading the client secret from a file and never printing it', async () => {
    const result = await ax(['sso', 'providers', 'create', '--protocol', 'oidc', '--name', 'Keycloak', '--email-domain', 'kc.example.test',
      '--issuer', issuer, '--client-id', 'ax-admin', '--client-secret-file', join(dir, 'client-secret'), '--scopes', 'openid,email,profile,roles',
      '--groups-claim-path', 'realm_access.roles', '--mappings', '[{"attributes_map":{"groups":"ax-admins"},"is_account_admin":true}]', '-o', 'json']);
    expect(result.stdout).not.toContain(CLIENT_SECRET);
    const created = JSON.parse(result.stdout);
    ids.keycloak = created.id;
    expect(created).toMatchObject({
      issuer, client_id: 'ax-admin', redacted_client_secret: `…${CLIENT_SECRET.slice(-4)}`, groups_claim_path: 'realm_access.roles',
      scopes: ['openid', 'email', 'profile', 'roles'], redirect_uri: `${server.url}/auth/oidc/callback`,
    });
    const rotated = await ax(['oidc-identity-providers', 'update', 'Keycloak', '--set-client-secret', '--no-userinfo', '-o', 'json'], EXIT.OK,
      { AX_OIDC_CLIENT_SECRET: 'rotated-secret-WXYZ' });
    expect(JSON.parse(rotated.stdout)).toMatchObject({ use_userinfo: false, redacted_client_secret: '…WXYZ' });
    expectOneLineError(await ax(['oidc-identity-providers', 'update', 'Keycloak', '--set-client-secret'], EXIT.USAGE), /no client secret given/);
  });

  it('lists both protocols, or one', async () => {
    const [both, json, oidcOnly] = await Promise.all([
      ax(['sso', 'providers', 'list']), axJson(['sso', 'providers', 'list']), axJson(['sso', 'providers', 'list', '--protocol', 'OIDC']),
    ]);
    expect(both.stdout).toMatch(/^ID\s+PROTOCOL\s+NAME/m);
    expect(both.stdout).toMatch(/\sSAML\s+Okta\s/);
    expect(both.stdout).toMatch(/\sOIDC\s+Keycloak\s/);
    expect(json.saml_identity_providers.map((p: { id: string }) => p.id)).toEqual([ids.okta]);
    expect(json.oidc_identity_providers.map((p: { id: string }) => p.id)).toEqual([ids.keycloak]);
    expect(oidcOnly.oidc_identity_providers).toHaveLength(1);
    // -o json prints the API's own objects, with nothing added for the table.
    expect(oidcOnly.oidc_identity_providers[0]).not.toHaveProperty('protocol');
    expect(json.saml_identity_providers[0]).not.toHaveProperty('protocol');
  });

  it('finds a provider by name in either list, and by id', async () => {
    expect((await axJson(['sso', 'providers', 'get', 'Keycloak'])).id).toBe(ids.keycloak);
    expect((await axJson(['sso', 'providers', 'get', ids.okta!])).name).toBe('Okta');
    // A protocol's own command looks in its own list only.
    expectOneLineError(await ax(['saml-identity-providers', 'get', 'Keycloak'], EXIT.API), /no SAML identity provider named "Keycloak"/);
  });

  it('refuses a name that a SAML and an OIDC provider share, listing both ids', async () => {
    // This server keeps provider names unique across protocols (migration 005), which identity.md §7.2 does not
    // require; a server that does not is stood in for by one answering the two list endpoints.
    const saml = Buffer.from('SamlIdentityProvider:7').toString('base64');
    const oidc = Buffer.from('OidcIdentityProvider:9').toString('base64');
    const page = (key: string, id: string) => JSON.stringify({ [key]: [{ id, name: 'Corp' }], pagination: { has_more: false } });
    const other = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      const body = path === '/v2/saml-identity-providers' ? page('saml_identity_providers', saml)
        : path === '/v2/oidc-identity-providers' ? page('oidc_identity_providers', oidc) : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(body ?? '{"status":404,"title":"Not Found"}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const ambiguous = await ax(['sso', 'providers', 'get', 'Corp'], EXIT.API, { ARIZE_ENDPOINT: `http://127.0.0.1:${(other.address() as AddressInfo).port}` });
      expectOneLineError(ambiguous, new RegExp(`2 identity providers are named "Corp": ${escape(saml)} \\(SAML\\), ${escape(oidc)} \\(OIDC\\)`));
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('errors: one line, an exit code scripts can rely on', () => {
  it('rejects bad flags and values before calling the server', async () => {
    const metadata = join(dir, 'idp-metadata.xml');
    const cases: [string[], number, RegExp][] = [
      [['sso', 'providers', 'list', '--bogus'], EXIT.USAGE, /unknown option '--bogus'/],
      [['sso', 'providers', 'list', '--protocol', 'ldap'], EXIT.USAGE, /--protocol/],
      [['sso', 'role-mappings', 'add', '--provider', 'Okta', '--space-role', 'team-alpha'], EXIT.USAGE, /--space-role expects SPACE=ROLE/],
      [['sso', 'role-mappings', 'add', '--provider', 'Okta', '--attribute', 'group=x'], EXIT.USAGE, /needs at least one grant/],
      [['sso', 'role-mappings', 'add', '--provider', 'Okta', '--project-role', 'p=member'], EXIT.USAGE, /project roles are custom roles/],
      [['sso', 'role-mappings', 'add', '--provider', 'Okta', '--org-role', 'Platform Team=my-custom-role'], EXIT.USAGE, /organization roles are predefined/],
      [['sso', 'providers', 'create', '--protocol', 'saml', '--name', 'X', '--email-domain', 'x.example.test', '--metadata-file', metadata, '--issuer', issuer],
        EXIT.USAGE, /--issuer is not for SAML providers/],
      [['saml-identity-providers', 'create', '--name', 'X', '--email-domain', 'x.example.test'], EXIT.USAGE, /exactly one of --metadata-url and --metadata-file/],
      [['saml-identity-providers', 'create', '--name', 'X', '--email-domain', 'x.example.test', '--metadata-file', join(dir, 'missing.xml')],
        EXIT.FILE_IO, /could not read --metadata-file/],
    ];
    await Promise.all(cases.map(async ([args, code, pattern]) => expectOneLineError(await ax(args, code), pattern)));
  });

  it("answers the server's refusals and unknown names as API errors", async () => {
    const [unknown, taken, unlinked] = await Promise.all([
      ax(['sso', 'providers', 'get', 'Nope'], EXIT.API),
      ax(['saml-identity-providers', 'create', '--name', 'Other', '--email-domain', 'example.test',
        '--metadata-file', join(dir, 'idp-metadata.xml'), '--mappings', '[{"attributes_map":{},"is_account_admin":true}]'], EXIT.API),
      ax(['sso', 'explain', '--provider', 'Okta', '--user', 'admin@localhost'], EXIT.API),
    ]);
    expectOneLineError(unknown, /no identity provider named "Nope"/);
    expectOneLineError(taken, /^✗ Error: 409 Conflict/);
    expectOneLineError(unlinked, /^✗ Error: 404 Not Found/);
  });
});

describe('deleting a provider', () => {
  it('asks on a terminal, saying what becomes of its links and grants; refuses without one unless --force', async () => {
    expectOneLineError(await ax(['sso', 'providers', 'delete', 'Keycloak'], EXIT.USAGE), /add --force/);
    const token = await server.api('POST', `/v2/saml-identity-providers/${encodeURIComponent(ids.okta!)}/scim-tokens`, { body: { name: 'directory' } });
    expect(token.status).toBe(201);
    const declined = await runAxInTty(['saml-identity-providers', 'delete', 'Okta'], {
      env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: dir }, input: 'n\n',
    });
    const screen = stripAnsi(declined.stdout);
    expect(declined.code, screen).toBe(EXIT.OK);
    expect(screen).toContain('This will delete SAML identity provider Okta:');
    expect(screen).toContain('- its email domains are freed (');
    expect(screen).toContain('- every grant it gave (memberships, role bindings, account admin) becomes a manual grant: users keep their access');
    expect(screen).toContain('- its directory stops provisioning: 1 SCIM token(s) revoked, 0 SCIM group(s) deleted');
    expect(screen).toContain('Identity provider Okta not deleted.');
    expect((await server.api('GET', `/v2/saml-identity-providers/${encodeURIComponent(ids.okta!)}`)).status).toBe(200);
    expect((await ax(['sso', 'providers', 'delete', 'Keycloak', '--force'])).stdout).toMatch(/Deleted OIDC identity provider Keycloak .*its grants are manual now/);
    expect((await axJson(['sso', 'providers', 'list'])).oidc_identity_providers).toEqual([]);
  });

  it('creates a SAML provider from a metadata URL (fetched by the server) and deletes it by id', async () => {
    const host = new URL(issuer).origin;
    const created = await axJson(['sso', 'providers', 'create', '--protocol', 'saml', '--name', 'Linked', '--email-domain', 'linked.example.test',
      '--metadata-url', `${host}/idp-metadata.xml`, '--allow-idp-initiated', '--mappings', '[{"attributes_map":{},"is_account_admin":true}]']);
    expect(created).toMatchObject({ metadata_url: `${host}/idp-metadata.xml`, allow_idp_initiated: true });
    expect(created.metadata_fetched_at).not.toBeNull();
    expect((await ax(['sso', 'providers', 'delete', created.id, '-f'])).stdout).toContain('Deleted SAML identity provider Linked');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
