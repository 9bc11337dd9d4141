import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createProject, createSpace, restrictProject } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';
import { runAxInTty } from './tty.js';

/**
 * Issue 17, access as code through the real `ax` binary: `ax export`, `ax diff` (exit 0: no change, 2: changes)
 * and `ax apply` (asks on a terminal, refuses without one unless --yes), against a real server.
 */
let server: TestServer;
let dir: string;
let tenant: { accountId: number; admin: FixtureUser };
let member: FixtureUser;
vi.setConfig({ testTimeout: 120_000 });

const env = (key = server.adminKey) => ({ ARIZE_API_KEY: key, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir, NO_COLOR: '1' });
const auditCount = async () => Number((await server.context!.store.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'ax-access-as-code-'));
  const ada = await createUserWithKey(server, { email: 'ada@example.com' });
  member = await createUserWithKey(server, { email: 'member@example.com' });
  const org = await createOrganization(server, 'Platform Team');
  await addOrganizationMember(server, org, ada.id, 'ADMIN');
  const space = await createSpace(server, org, 'team-alpha');
  await restrictProject(server, await createProject(server, space, 'chat'));
  tenant = await createSecondAccount(server);
  await createUserWithKey(server, { email: 'ada@example.com', accountId: tenant.accountId });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ax export, ax diff, ax apply', () => {
  it('export -o FILE, then diff and apply it on an empty account, then export again: the same file', async () => {
    const file = join(dir, 'access.yaml');
    const exported = await runAx(['export', '-o', file], { env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`Wrote the access document to ${file}`);
    const text = await readFile(file, 'utf8');
    expect(parse(text).organizations[0]).toMatchObject({ name: 'Platform Team', members: [{ user: 'ada@example.com', role: 'Admin' }] });
    // Printed to stdout without -o: the same bytes.
    expect((await runAx(['export'], { env: env() })).stdout).toBe(text);

    const diff = await runAx(['diff', file], { env: env(tenant.admin.key) });
    expect(diff.code, diff.stderr).toBe(2);
    expect(diff.stdout).toMatch(/ACTION\s+KIND\s+TARGET\s+USER\s+DETAIL/);
    expect(diff.stdout).toMatch(/create\s+ORGANIZATION_MEMBERSHIP\s+Platform Team\s+ada@example\.com\s+role Admin/);
    expect(diff.stdout).toMatch(/PRINCIPAL\s+TYPE\s+RESOURCE\s+GAINED\s+LOST/);

    const json = await runAx(['diff', file, '-o', 'json'], { env: env(tenant.admin.key) });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ dry_run: true, operations: expect.arrayContaining([{ action: 'create', kind: 'RESOURCE_RESTRICTION', target: 'Platform Team/team-alpha/chat' }]) });

    const applied = await runAx(['apply', file, '--yes'], { env: env(tenant.admin.key) });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Applied \d+ change\(s\)/);
    const again = await runAx(['export'], { env: env(tenant.admin.key) });
    expect(again.stdout).toBe(text);
    const none = await runAx(['diff', file, '--prune'], { env: env(tenant.admin.key) });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No changes');
  });

  it('apply without a terminal and without --yes refuses in one line, changing nothing', async () => {
    const file = join(dir, 'refused.yaml');
    await writeFile(file, stringify({ version: 1, organizations: [{ name: 'Refused' }] }));
    const audits = await auditCount();
    const result = await runAx(['apply', file], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')[0]).toBe('✗ Error: refusing to apply without confirmation (no terminal to ask on); add --yes to apply, or run `ax diff` to see the changes');
    expect(await auditCount()).toBe(audits);
  });

  it('apply on a terminal shows the plan and asks; no applies nothing, yes applies', async () => {
    const file = join(dir, 'asked.yaml');
    await writeFile(file, stringify({ version: 1, organizations: [{ name: 'Asked' }] }));
    const declined = await runAxInTty(['apply', file], { env: env(), input: [{ after: 'Apply these 1 change(s)?', send: 'n\r' }] });
    expect(declined.stdout).toMatch(/create\s+ORGANIZATION\s+Asked/);
    expect(declined.stdout).toContain('Nothing was applied.');
    expect((await server.api('GET', '/v2/organizations?name=Asked')).body.organizations).toEqual([]);
    const accepted = await runAxInTty(['apply', file], { env: env(), input: [{ after: 'Apply these 1 change(s)?', send: 'y\r' }] });
    expect(accepted.stdout).toContain('Applied 1 change(s)');
    expect((await server.api('GET', '/v2/organizations?name=Asked')).body.organizations).toHaveLength(1);
  });

  it('--prune removes what the file does not list', async () => {
    const file = join(dir, 'pruned.yaml');
    const doc = parse((await runAx(['export'], { env: env() })).stdout);
    doc.organizations = doc.organizations.filter((o: { name: string }) => o.name !== 'Asked');
    await writeFile(file, stringify(doc));
    const diff = await runAx(['diff', file, '--prune'], { env: env() });
    expect(diff.code).toBe(2);
    expect(diff.stdout).toMatch(/delete\s+ORGANIZATION\s+Asked/);
    const applied = await runAx(['apply', file, '--prune', '--yes'], { env: env() });
    expect(applied.code, applied.stderr).toBe(0);
    expect((await server.api('GET', '/v2/organizations?name=Asked')).body.organizations).toEqual([]);
  });

  it('a bad file names each error by FILE:LINE:COLUMN and path, exit 4, nothing applied', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'version: 1\norganizations:\n  - name: Bad\n    members:\n      - user: ada@example.com\n        role: Editr\n');
    const result = await runAx(['apply', file, '--yes'], { env: env() });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`${file}:6:15: organizations[0].members[0].role: unknown role "Editr"`);
    expect((await server.api('GET', '/v2/organizations?name=Bad')).body.organizations).toEqual([]);
    const missing = await runAx(['diff', join(dir, 'missing.yaml')], { env: env() });
    expect(missing.code).toBe(5);
  });

  it('a non-admin is refused', async () => {
    const result = await runAx(['export'], { env: env(member.key) });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/403/);
  });
});
