import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli/errors/exit-codes.js';
import { CookieJar } from '../helpers/cookie-jar.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';
import { runAx, type AxResult } from './ax-process.js';

/**
 * `ax sso explain` after a real SAML sign-in (samlify as the IdP, fetch as the browser): the attributes the user's
 * last login asserted and the grants the current mappings give them, by name in the table and by id in JSON.
 */
let server: TestServer;
let dir: string;
const ids: Record<string, string> = {};

vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  let idp: SamlTestIdp;
  [server, idp] = await Promise.all([startTestServer(), SamlTestIdp.create()]);
  dir = mkdtempSync(join(tmpdir(), 'ax-sso-explain-'));
  ids.org = (await server.api('POST', '/v2/organizations', { body: { name: 'ML' } })).body.id;
  ids.space = (await server.api('POST', '/v2/spaces', { body: { name: 'models', organization_id: ids.org } })).body.id;
  ids.role = (await server.api('POST', '/v2/roles', { body: { name: 'ml-engineer', permissions: ['SPACE_READ'] } })).body.id;
  const member = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles.find((r: { name: string }) => r.name === 'Member').id;
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: 'samlify', email_domains: ['example.test'], metadata_xml: idp.metadataXml(),
      role_mappings: [{ attributes_map: { group: 'team-ml' }, org_role: { org_id: ids.org, role_id: member }, space_roles: [{ space_id: ids.space, role_id: ids.role }] }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ids.idp = created.body.id;

  // Alice signs in through the IdP: login start (browser binding cookie), the IdP's answer, the ACS, the completion.
  const jar = new CookieJar();
  const start = await jar.fetch(`${server.url}/auth/v2/saml/login?idp_id=${encodeURIComponent(ids.idp!)}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const answer = await idp.answer(start.headers.get('location')!, { email: 'alice@example.test', name: 'Alice A', attributes: { group: ['team-ml', 'other'] } });
  const acs = await fetch(`${server.url}/auth/v2/saml`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(answer.form),
  });
  expect(acs.status, await acs.clone().text()).toBe(303);
  const done = await jar.fetch(new URL(acs.headers.get('location')!, server.url));
  expect(done.status, await done.clone().text()).toBe(302);
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ax(args: string[], code: number = EXIT.OK): Promise<AxResult> {
  const result = await runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: dir, COLUMNS: '250' } });
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(code);
  return result;
}

describe('ax sso explain', () => {
  it("shows a signed-in user's last asserted attributes and the grants they map to", async () => {
    const [json, table] = await Promise.all([
      ax(['sso', 'explain', '--provider', 'samlify', '--user', 'alice@example.test', '-o', 'json']),
      ax(['sso', 'explain', '--provider', ids.idp!, '--user', 'alice@example.test']),
    ]);
    const link: Json = JSON.parse(json.stdout);
    expect(link.subject).toBe('alice@example.test');
    expect(link.last_attributes.group).toEqual(['team-ml', 'other']);
    expect(link.evaluation.grants).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'SPACE_ROLE_BINDING', resource_id: ids.space, role_id: ids.role, mapping_position: 1 }),
    ]));
    expect(table.stdout).toMatch(/^subject\s+alice@example\.test$/m);
    expect(table.stdout).toMatch(/^ {2}group = team-ml, other$/m);
    expect(table.stdout).toMatch(/^space role binding\s+models\s+ml-engineer\s+rule #1$/m);
    expect(table.stdout).toMatch(/^organization membership\s+ML\s+Member\s+rule #1$/m);
  });

  it('evaluates other attributes for the same user without changing anything', async () => {
    const result = JSON.parse((await ax(['sso', 'evaluate', '--provider', 'samlify', '--user', 'alice@example.test', '--attribute', 'group=nobody', '-o', 'json'])).stdout);
    expect(result).toMatchObject({ matched: [], grants: [], defaults_used: false });
    const bindings = await server.api('GET', '/v2/role-bindings?resource_type=SPACE');
    expect(bindings.body.role_bindings).toHaveLength(1);
  });
});
