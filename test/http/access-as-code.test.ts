import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AccessSnapshot } from '../../src/access/index.js';
import { decodeId } from '../../src/domain/ids.js';
import { loadWorld } from '../../src/services/access-loader.js';
import { expectedPrincipals, unnamed } from '../helpers/access-preview.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, restrictProject,
} from '../helpers/hierarchy.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 17, access as code: `GET /v2/access/export`, `POST /v2/access/plan` and `POST /v2/access/apply` through
 * real HTTP. Account 1 is built through the API; account 2 starts empty (with the same people), so that an export
 * of one applied to the other must give the same file back.
 */
let server: TestServer;
let tenant: { accountId: number; admin: FixtureUser };
let ada: FixtureUser;
let bob: FixtureUser;
let member: FixtureUser;
const IN_A_DAY = new Date(Date.now() + 86_400_000).toISOString();

const YAML = { 'content-type': 'application/yaml' };
const db = () => server.context!.store.db;
const snapshot = async (accountId: number) => AccessSnapshot.build(await loadWorld(db(), accountId));

async function exportYaml(key?: string): Promise<string> {
  const res = await server.api('GET', '/v2/access/export', key ? { key } : {});
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
  return res.body as string;
}

async function post(path: string, body: unknown, options: { key?: string; prune?: boolean } = {}) {
  return server.api('POST', `${path}${options.prune ? '?prune=true' : ''}`, {
    body, ...(typeof body === 'string' ? { headers: YAML } : {}), ...(options.key ? { key: options.key } : {}),
  });
}

/**
 * Principals by resource name, not id: on PostgreSQL a plan's rolled-back inserts use up sequence values, so what an
 * apply creates gets other ids than its plan showed (names are the document's keys anyway).
 */
function byName(principals: Json[]): Json[] {
  return principals.map((p: Json) => ({
    user_id: p.user_id, principal_type: p.principal_type,
    changes: p.changes.map((c: Json) => ({ resource: `${c.resource_type} ${c.resource_name ?? ''}`, gained: c.gained, lost: c.lost }))
      .sort((a: Json, b: Json) => a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0),
  }));
}

async function auditCount(accountId: number): Promise<number> {
  const row = await db().selectFrom('audit_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  server = await startTestServer();
  ada = await createUserWithKey(server, { email: 'ada@example.com', name: 'Ada' });
  bob = await createUserWithKey(server, { email: 'Bob@Example.com', name: 'Bob' });
  member = await createUserWithKey(server, { email: 'member@example.com', name: 'Not an admin' });
  const platform = await createOrganization(server, 'Platform Team');
  await createOrganization(server, 'Analytics');
  await server.api('PATCH', `/v2/organizations/${enc(platform)}`, { body: { description: 'runs the platform' } });
  await addOrganizationMember(server, platform, ada.id, 'ADMIN');
  await addOrganizationMember(server, platform, bob.id, 'MEMBER');
  const alpha = await createSpace(server, platform, 'team-alpha');
  await createSpace(server, platform, 'secret-space', { isPrivate: true });
  await addSpaceMember(server, alpha, bob.id, 'READ_ONLY');
  const chat = await createProject(server, alpha, 'chat');
  await createProject(server, alpha, 'billing');
  await restrictProject(server, chat);
  const role = await server.api('POST', '/v2/roles', { body: { name: 'Span Reader', permissions: ['PROJECT_SPAN_READ', 'PROJECT_READ'], description: 'reads spans' } });
  expect(role.status).toBe(201);
  const binding = await server.api('POST', '/v2/role-bindings', {
    body: { user_id: bob.id, role_id: role.body.id, resource_type: 'PROJECT', resource_id: chat, expires_at: IN_A_DAY, reason: 'incident 123' },
  });
  expect(binding.status, JSON.stringify(binding.body)).toBe(201);
  // A service key's bot: its grants are never exported.
  const key = await server.api('POST', '/v2/api-keys', { body: { name: 'ci', key_type: 'SERVICE', organizations: [{ org_id: platform, spaces: [{ space_id: alpha }] }] } });
  expect(key.status, JSON.stringify(key.body)).toBe(201);

  tenant = await createSecondAccount(server);
  for (const email of ['ada@example.com', 'Bob@Example.com']) await createUserWithKey(server, { email, accountId: tenant.accountId });
});
afterAll(async () => {
  await server?.close();
});

describe('GET /v2/access/export', () => {
  it('writes the account by name, sorted, with grants by email and their ends, and nothing of keys or bots', async () => {
    const text = await exportYaml();
    expect(text).not.toMatch(/VXNl|ak-|ci@|bot/i);
    const doc = parse(text);
    expect(doc.version).toBe(1);
    expect(doc.roles).toEqual([{ name: 'Span Reader', description: 'reads spans', permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ'] }]);
    expect(doc.organizations.map((o: Json) => o.name)).toEqual(['Analytics', 'Platform Team']);
    const platform = doc.organizations[1];
    expect(platform.description).toBe('runs the platform');
    expect(platform.members).toEqual([{ user: 'ada@example.com', role: 'Admin' }, { user: 'bob@example.com', role: 'Member' }]);
    expect(platform.spaces.map((s: Json) => s.name)).toEqual(['secret-space', 'team-alpha']);
    expect(platform.spaces[0]).toEqual({ name: 'secret-space', private: true });
    const alpha = platform.spaces[1];
    expect(alpha.members).toEqual([{ user: 'bob@example.com', role: 'Read Only' }]);
    expect(alpha.projects).toEqual([
      { name: 'billing' },
      { name: 'chat', restricted: true, role_bindings: [{ user: 'bob@example.com', role: 'Span Reader', expires_at: IN_A_DAY, reason: 'incident 123' }] },
    ]);
  });

  it('answers JSON with Accept: application/json, the same document', async () => {
    const res = await server.api('GET', '/v2/access/export', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(parse(await exportYaml()));
  });

  it('is for account admins only', async () => {
    const res = await server.api('GET', '/v2/access/export', { key: member.key });
    expect(res.status).toBe(403);
  });
});

describe('plan and apply', () => {
  it('round trip: the export applied to an empty account exports the same bytes, and plans nothing more', async () => {
    const text = await exportYaml();
    const plan = await post('/v2/access/plan', text, { key: tenant.admin.key });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.dry_run).toBe(true);
    expect(await exportYaml(tenant.admin.key)).toBe('version: 1\n');
    const before = await snapshot(tenant.accountId);
    const applied = await post('/v2/access/apply', text, { key: tenant.admin.key });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.dry_run).toBe(false);
    expect(applied.body.operations).toEqual(plan.body.operations);
    expect(byName(applied.body.principals)).toEqual(byName(plan.body.principals));
    expect(unnamed(applied.body.principals)).toEqual(expectedPrincipals(before, await snapshot(tenant.accountId)));
    expect(applied.body.operations).toContainEqual({ action: 'create', kind: 'RESOURCE_RESTRICTION', target: 'Platform Team/team-alpha/chat' });
    expect(await exportYaml(tenant.admin.key)).toBe(text);
    const again = await post('/v2/access/plan', text, { key: tenant.admin.key, prune: true });
    expect(again.body).toMatchObject({ operations: [], principals: [] });
  });

  it('takes the document as JSON too, and audits each operation', async () => {
    const audited = await auditCount(1);
    const doc = { version: 1, organizations: [{ name: 'JSON Org', members: [{ user: 'ADA@example.com', role: 'Read Only' }] }] };
    const res = await post('/v2/access/apply', doc);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.operations).toEqual([
      { action: 'create', kind: 'ORGANIZATION', target: 'JSON Org' },
      { action: 'create', kind: 'ORGANIZATION_MEMBERSHIP', target: 'JSON Org', user: 'ada@example.com', detail: 'role Read Only' },
    ]);
    // Ada reads the organization now; the account's admin reaches the new organization as every other.
    expect(res.body.principals.find((p: Json) => p.email === 'ada@example.com').changes).toEqual([
      expect.objectContaining({ resource_type: 'ORGANIZATION', resource_name: 'JSON Org', gained: ['ORGANIZATION_READ', 'SPACE_READ'], lost: [] }),
    ]);
    // The apply's own row (naming the document by digest) and one row per operation.
    expect(await auditCount(1)).toBe(audited + 3);
    const rows = await db().selectFrom('audit_logs').select(['operation_name', 'operation_text']).where('account_id', '=', 1).orderBy('id', 'desc').limit(3).execute();
    expect(rows.map((r) => r.operation_name)).toEqual(['POST /v2/access/apply', 'POST /v2/access/apply', 'POST /v2/access/apply']);
    expect(rows.map((r) => JSON.parse(r.operation_text!))).toEqual([
      { prune: false, document_sha256: createHash('sha256').update(JSON.stringify(doc)).digest('hex') },
      { action: 'create', kind: 'ORGANIZATION_MEMBERSHIP', target: 'JSON Org', user: 'ada@example.com', detail: 'role Read Only' },
      { action: 'create', kind: 'ORGANIZATION', target: 'JSON Org' },
    ]);
  });

  it('without prune only adds and updates; with prune it removes what the document does not list', async () => {
    const base = parse(await exportYaml());
    base.organizations = base.organizations.filter((o: Json) => o.name !== 'JSON Org');
    const platform = base.organizations.find((o: Json) => o.name === 'Platform Team');
    // Ada becomes a MEMBER, bob leaves the organization (and so his space membership), billing goes, a project comes.
    platform.members = [{ user: 'ada@example.com', role: 'Member' }];
    const alpha = platform.spaces.find((s: Json) => s.name === 'team-alpha');
    delete alpha.members;
    alpha.projects = [alpha.projects.find((p: Json) => p.name === 'chat'), { name: 'search' }];
    const withoutPrune = await post('/v2/access/plan', base);
    expect(withoutPrune.status, JSON.stringify(withoutPrune.body)).toBe(200);
    expect(withoutPrune.body.operations).toEqual([
      { action: 'update', kind: 'ORGANIZATION_MEMBERSHIP', target: 'Platform Team', user: 'ada@example.com', detail: 'role Admin → Member' },
      { action: 'create', kind: 'PROJECT', target: 'Platform Team/team-alpha/search' },
    ]);
    const pruning = await post('/v2/access/plan', base, { prune: true });
    expect(pruning.status, JSON.stringify(pruning.body)).toBe(200);
    const ops = pruning.body.operations.map((o: Json) => `${o.action} ${o.kind} ${o.target}${o.user ? ` ${o.user}` : ''}`);
    expect(ops).toEqual(expect.arrayContaining([
      'delete ORGANIZATION_MEMBERSHIP Platform Team bob@example.com',
      'delete SPACE_MEMBERSHIP Platform Team/team-alpha bob@example.com',
      'delete PROJECT Platform Team/team-alpha/billing',
      'delete ORGANIZATION JSON Org',
    ]));
    expect(ops).not.toContain('delete ROLE Span Reader');
    const before = await snapshot(1);
    const applied = await post('/v2/access/apply', base, { prune: true });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.operations).toEqual(pruning.body.operations);
    expect(byName(applied.body.principals)).toEqual(byName(pruning.body.principals));
    expect(unnamed(applied.body.principals)).toEqual(expectedPrincipals(before, await snapshot(1)));
    expect(parse(await exportYaml())).toEqual(base);
    // The bot's space membership is neither exported nor pruned: its key still reaches the space.
    const keys = await server.api('GET', '/v2/api-keys?key_type=SERVICE');
    expect(keys.body.api_keys.some((k: Json) => k.name === 'ci' && k.status === 'ACTIVE')).toBe(true);
  });

  it('an apply that fails midway leaves nothing changed', async () => {
    const text = await exportYaml();
    const audited = await auditCount(1);
    const doc = parse(text);
    // Creations come first, then the prune deletes Analytics, which an identity provider's default login names: 409.
    doc.organizations = doc.organizations.filter((o: Json) => o.name !== 'Analytics');
    doc.organizations.push({ name: 'Zeta', members: [{ user: 'ada@example.com', role: 'Admin' }] });
    const analytics = await db().selectFrom('organizations').select('id').where('account_id', '=', 1).where('name', '=', 'Analytics').executeTakeFirstOrThrow();
    const idp = await insertProvider(server, 'midway.example', []);
    await db().updateTable('identity_providers').set({ default_org_id: analytics.id }).where('id', '=', idp).execute();
    const plan = await post('/v2/access/plan', doc, { prune: true });
    expect(plan.status).toBe(409);
    const res = await post('/v2/access/apply', doc, { prune: true });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.detail).toMatch(/default login/);
    expect(await exportYaml()).toBe(text);
    expect(await auditCount(1)).toBe(audited);
    await db().updateTable('identity_providers').set({ default_org_id: null, deleted_at: new Date().toISOString() }).where('id', '=', idp).execute();
  });

  it('a document naming what does not exist is a 422 with the path, line and column of each error, and changes nothing', async () => {
    const before = await exportYaml();
    const text = [
      'version: 1',
      'organizations:',
      '  - name: New Org',
      '    members:',
      '      - user: ada@example.com',
      '        role: Admin',
      '    spaces:',
      '      - name: s1',
      '        members:',
      '          - user: nobody@example.com',
      '            role: Member',
      '          - user: ada@example.com',
      '            role: Editr',
      '',
    ].join('\n');
    // As `ax` sends it: the YAML text inside JSON.
    const res = await post('/v2/access/apply', { yaml: text });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      { path: 'organizations[0].spaces[0].members[0].user', line: 10, column: 19, message: 'unknown user "nobody@example.com" (users are invited, not created, by a document)' },
      { path: 'organizations[0].spaces[0].members[1].role', line: 13, column: 19, message: 'unknown role "Editr"' },
    ]);
    expect(res.body.detail).toContain('organizations[0].spaces[0].members[1].role: unknown role "Editr" (line 13, column 19)');
    expect(await exportYaml()).toBe(before);
  });

  it('text that is not YAML, or not the schema, is a 400 with positions', async () => {
    const broken = await post('/v2/access/plan', 'version: 1\norganizations: [\n');
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0]).toMatchObject({ path: '', line: expect.any(Number), column: expect.any(Number) });
    const wrong = await post('/v2/access/plan', 'version: 1\nroles:\n  - name: R\n    permissions: [PROJECT_READ, NOT_A_PERMISSION]\n    colour: red\n');
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      { path: 'roles[0].colour', line: 5, column: 13, message: 'unknown field' },
      { path: 'roles[0].permissions[1]', line: 4, column: 33, message: 'unknown permission "NOT_A_PERMISSION"' },
    ]);
    const nul = await post('/v2/access/plan', 'version: 1\norganizations:\n  - name: "a\\0b"\n');
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([{ path: 'organizations[0].name', line: 3, column: 11, message: 'must not contain the NUL character (U+0000)' }]);
    const laughs = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const bomb = await post('/v2/access/plan', laughs);
    expect(bomb.status).toBe(400);
    expect(bomb.body.errors[0].message).toMatch(/alias/i);
    const json = await post('/v2/access/plan', { version: 2 });
    expect(json.status).toBe(400);
    expect(json.body.errors[0]).toEqual({ path: 'version', message: 'must be equal to constant' });
  });

  it('refuses a grant that ends in the past, a bot, a name twice, and a space member outside the organization', async () => {
    const botEmail = (await db().selectFrom('users').select('email').where('is_bot', '=', 1).where('account_id', '=', 1).executeTakeFirstOrThrow()).email;
    const doc = {
      version: 1,
      organizations: [
        { name: 'Twice' }, { name: 'Twice' },
        {
          name: 'Rules', members: [{ user: 'ada@example.com', role: 'Member', expires_at: '2000-01-01T00:00:00Z' }, { user: botEmail, role: 'Member' }],
          spaces: [{ name: 's', members: [{ user: 'bob@example.com', role: 'Member' }] }],
        },
      ],
    };
    const res = await post('/v2/access/plan', doc);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: Json) => e.path)).toEqual([
      'organizations[1].name', 'organizations[2].members[0].expires_at', 'organizations[2].members[1].user', 'organizations[2].spaces[0].members[0].user',
    ]);
  });

  it('non-admins are refused', async () => {
    for (const path of ['/v2/access/plan', '/v2/access/apply']) {
      const res = await post(path, 'version: 1\n', { key: member.key });
      expect(res.status).toBe(403);
    }
  });

  it('ids stay out of the document: a user is named by email', async () => {
    expect(decodeId('User', ada.id, 'id')).toBeGreaterThan(0);
    expect(await exportYaml()).not.toContain(ada.id);
  });
});
