import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { stripAnsi } from '../../src/cli/output/style.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';
import { runAx, type AxResult } from './ax-process.js';
import { runAxInTty } from './tty.js';

/** `ax sso scim-tokens create|list|revoke` through the real binary (identity.md §5.1, §7.2). */
let server: TestServer;
let dir: string;
let samlId: string;
let oidcId: string;
const TOKEN = /axscim-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}/;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'ax-scim-tokens-'));
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: 'Okta', email_domains: ['scim-cli.example.com'], metadata_xml: (await SamlTestIdp.create()).metadataXml(),
      role_mappings: [{ attributes_map: { group: 'admins' }, is_account_admin: true }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  samlId = created.body.id;
  oidcId = encodeId('OidcIdentityProvider', await insertProvider(server, 'scim-cli-oidc.example.com', [{ attributes: { group: 'a' }, isAccountAdmin: true }], { protocol: 'OIDC' }));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: dir, COLUMNS: '250' });

async function ax(args: string[], code = 0): Promise<AxResult> {
  const result = await runAx(args, { env: env() });
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(code);
  return { ...result, stdout: stripAnsi(result.stdout), stderr: stripAnsi(result.stderr) };
}

/** What `/scim/v2` answers the token (200: it authenticates). */
async function scimStatus(token: string): Promise<number> {
  return (await server.api('GET', '/scim/v2/Groups', { key: token })).status;
}

async function listed(provider: string): Promise<Json[]> {
  return JSON.parse((await ax(['sso', 'scim-tokens', 'list', '--provider', provider, '-o', 'json'])).stdout).scim_tokens;
}

describe('ax sso scim-tokens', () => {
  it('create prints the token once, with the warning and the base URL to give the directory', async () => {
    const result = await ax(['sso', 'scim-tokens', 'create', '--provider', 'Okta', '--name', 'okta prod', '--expires-at', '2099-01-01']);
    const tokens = result.stdout.match(new RegExp(TOKEN, 'g')) ?? [];
    expect(tokens).toHaveLength(1);
    expect(result.stdout).toMatch(/^name\s+okta prod$/m);
    expect(result.stdout).toMatch(/^expires_at\s+2099-01-01T00:00:00\.000Z$/m);
    expect(result.stderr).toContain('SCIM token is shown only this once');
    expect(result.stderr).toContain(`SCIM base URL ${server.context!.config.publicUrl}/scim/v2`);
    expect(await scimStatus(tokens[0]!)).toBe(200);
  });

  it('create -o json answers the API\'s object, token included; the provider may be an id, of either protocol', async () => {
    const created = JSON.parse((await ax(['sso', 'scim-tokens', 'create', '--provider', oidcId, '-o', 'json'])).stdout);
    expect(created).toMatchObject({ name: 'SCIM token', token: expect.stringMatching(TOKEN), redacted_token: expect.stringMatching(/^axscim-.{3}\.\.\..{4}$/) });
    expect(await scimStatus(created.token)).toBe(200);
    expect((await listed(oidcId)).map((t) => t.id)).toContain(created.id);
  });

  it('create --env-file writes AX_SCIM_TOKEN to the file (mode 0600, other lines kept) and never prints it', async () => {
    const file = join(dir, 'okta.env');
    writeFileSync(file, 'OTHER=1\nAX_SCIM_TOKEN=old\n', { mode: 0o644 });
    const result = await ax(['sso', 'scim-tokens', 'create', '--provider', samlId, '--name', 'from a script', '--env-file', file]);
    expect(result.stdout + result.stderr).not.toMatch(TOKEN);
    expect(result.stderr).toContain(`Wrote AX_SCIM_TOKEN to ${file} (mode 0600)`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^OTHER=1\\nAX_SCIM_TOKEN=${TOKEN.source}\\n$`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await scimStatus(/AX_SCIM_TOKEN=(\S+)/.exec(text)![1]!)).toBe(200);
  });

  it('list shows the redacted tokens, never the tokens themselves', async () => {
    const created = JSON.parse((await ax(['sso', 'scim-tokens', 'create', '--provider', 'Okta', '--name', 'listed', '-o', 'json'])).stdout);
    const table = await ax(['sso', 'scim-tokens', 'list', '--provider', 'Okta']);
    expect(table.stdout).toMatch(/ID\s+NAME\s+TOKEN\s+EXPIRES AT\s+LAST USED AT\s+CREATED AT/);
    expect(table.stdout).toContain(created.redacted_token);
    expect(table.stdout).not.toMatch(TOKEN);
    const json = await listed('Okta');
    expect(json.find((t) => t.id === created.id)).toEqual(Object.fromEntries(Object.entries(created).filter(([key]) => key !== 'token')));
    expect(JSON.stringify(json)).not.toMatch(TOKEN);
  });

  it('revoke asks on a terminal (declining keeps the token), refuses without one unless --force, and stops the token at once', async () => {
    const created = JSON.parse((await ax(['sso', 'scim-tokens', 'create', '--provider', 'Okta', '--name', 'to revoke', '-o', 'json'])).stdout);
    const asked = await runAxInTty(['sso', 'scim-tokens', 'revoke', '--provider', 'Okta', created.id], { env: env(), input: 'n\n' });
    const text = stripAnsi(asked.stdout);
    expect(asked.code, text).toBe(0);
    expect(text).toContain(`This will revoke SCIM token ${created.id} of Okta:`);
    expect(text).toContain('it is "to revoke", never used');
    expect(text).toContain('a directory still using it stops provisioning and deprovisioning in Okta');
    expect(text).toContain(`SCIM token ${created.id} not revoked.`);
    expect(await scimStatus(created.token)).toBe(200);

    const refused = await ax(['sso', 'scim-tokens', 'revoke', '--provider', 'Okta', created.id], 2);
    expect(refused.stderr).toContain('add --force');
    expect(await scimStatus(created.token)).toBe(200);

    const revoked = await ax(['sso', 'scim-tokens', 'revoke', '--provider', 'Okta', created.id, '--force']);
    expect(revoked.stdout.trim()).toBe(`✓ Revoked SCIM token ${created.id} of Okta`);
    expect(await scimStatus(created.token)).toBe(401);
    expect((await listed('Okta')).map((t) => t.id)).not.toContain(created.id);

    // Revoked already, or a mistyped id: not asked about, not reported as revoked; exit 0 (the DELETE is idempotent).
    for (const id of [created.id, encodeId('ScimToken', 99_999)]) {
      const again = await runAxInTty(['sso', 'scim-tokens', 'revoke', '--provider', 'Okta', id], { env: env(), input: 'y\n' });
      const said = stripAnsi(again.stdout);
      expect(again.code, said).toBe(0);
      expect(said).not.toContain('(y/N)');
      expect(said).not.toContain('Revoked');
      expect(said).toContain(`SCIM token ${id} is not a live token of Okta (already revoked, or not one of its tokens): nothing revoked.`);
    }
  });

  it('says what went wrong: an unknown provider, a sixth live token', async () => {
    const unknown = await ax(['sso', 'scim-tokens', 'list', '--provider', 'Nope'], 4);
    expect(unknown.stderr).toMatch(/identity provider named "?Nope"? not found|no identity provider named/i);
    const full = encodeId('SamlIdentityProvider', await insertProvider(server, 'scim-cli-full.example.com', [{ attributes: { group: 'a' }, isAccountAdmin: true }]));
    for (let i = 0; i < 5; i++) await ax(['sso', 'scim-tokens', 'create', '--provider', full, '-o', 'json']);
    const sixth = await ax(['sso', 'scim-tokens', 'create', '--provider', full], 4);
    expect(sixth.stderr).toContain('already has 5 live SCIM tokens');
  });
});
