import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/cli/errors/exit-codes.js';
import { stripAnsi } from '../../src/cli/output/style.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AX_BIN, runAx, type AxResult } from './ax-process.js';
import { runAxInTty } from './tty.js';
import { testTempDir } from '../helpers/temp-dir.js';

/**
 * Every `ax` command of the seed (000_97d14aa05208745e.txt), as written there, run through the real binary against
 * the real server: onboarding, SSO role ids, project restriction, audit, offboarding, multi-tenant service keys,
 * rotation with grace, and the error paths.
 */
let server: TestServer;
let home: string;
// Each step runs the real binary several times (a process start each): generous on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
  home = mkdtempSync(join(tmpdir(), 'ax-e2e-'));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

function env(key = server.adminKey): Record<string, string> {
  return { ARIZE_API_KEY: key, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home };
}

/** Runs `ax` as the admin (or with `key`); expects success unless `code` says otherwise. */
async function ax(args: string[], options: { key?: string; code?: number; extraEnv?: Record<string, string> } = {}): Promise<AxResult> {
  const result = await runAx(args, { env: { ...env(options.key), ...options.extraEnv } });
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(options.code ?? 0);
  return result;
}

async function axJson<T = ReturnType<typeof JSON.parse>>(args: string[], key?: string): Promise<T> {
  return JSON.parse((await ax([...args, '-o', 'json'], key === undefined ? {} : { key })).stdout) as T;
}

/** The raw key from a create/refresh in table mode: on its own line marked `API key:`. */
function keyFrom(result: AxResult): string {
  const match = /^API key: (\S+)$/m.exec(result.stdout);
  expect(match, result.stdout).not.toBeNull();
  return match![1]!;
}

/**
 * People must accept their mailed invitation to become ACTIVE (the CLI invites; the browser accepts). Returns the
 * console session the acceptance opens.
 */
async function acceptInvitation(email: string): Promise<{ cookie: string; csrf: string }> {
  const mail = await server.waitForMail(email);
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  expect(token, mail.text).toBeDefined();
  const res = await fetch(`${server.url}/auth/invitations/${token}/accept`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'a long enough password' }),
  });
  expect(res.status).toBe(200);
  const { csrf_token: csrf } = (await res.json()) as { csrf_token: string };
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf };
}

/** A MEMBER who accepted their invitation, and the USER key they created in the console. */
async function memberKey(): Promise<string> {
  const email = 'member@example.com';
  await ax(['users', 'create', '--full-name', 'Mem Ber', '--email', email, '--role', 'member']);
  const { cookie, csrf } = await acceptInvitation(email);
  const res = await fetch(`${server.url}/v2/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ key_type: 'USER', name: 'member console key' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

const ids: Record<string, string> = {};

describe('onboarding a new team (seed: Organizations, Spaces, Users, Roles, Role Bindings, API Keys)', () => {
  it('creates, finds, updates and lists organizations by name', async () => {
    expect((await axJson(['organizations', 'list'])).organizations).toEqual([]);
    const created = await ax(['organizations', 'create', '--name', 'Platform Team', '--description', 'Core ML platform']);
    expect(created.stdout).toMatch(/^name\s+Platform Team$/m);
    ids.org = (await axJson(['organizations', 'get', 'Platform Team'])).id;
    expect(Buffer.from(ids.org!, 'base64').toString()).toMatch(/^Organization:/);
    expect((await ax(['organizations', 'list', '--name', 'platform'])).stdout).toContain('Platform Team');
    expect((await axJson(['organizations', 'list', '-l', '100'])).organizations).toHaveLength(1);
    const updated = await axJson(['organizations', 'update', 'Platform Team', '--name', 'ML Platform', '--description', 'Updated']);
    expect(updated).toMatchObject({ id: ids.org, name: 'ML Platform', description: 'Updated' });
    await ax(['organizations', 'update', 'ML Platform', '--name', 'Platform Team']);
  });

  it('creates a space in the organization and finds it by name', async () => {
    await ax(['spaces', 'create', '--name', 'team-alpha', '--organization-id', ids.org!]);
    expect((await ax(['spaces', 'list'])).stdout).toContain('team-alpha');
    expect((await axJson(['spaces', 'list', '--organization-id', ids.org!])).spaces).toHaveLength(1);
    ids.space = (await axJson(['spaces', 'get', 'team-alpha'])).id;
    await ax(['spaces', 'update', 'team-alpha', '--name', 'team-alpha-v2']);
    await ax(['spaces', 'update', 'team-alpha-v2', '--name', 'team-alpha']);
  });

  it('invites users and adds them to the organization and the space', async () => {
    const jane = await axJson(['users', 'create', '--full-name', 'Jane Doe', '--email', 'jane@example.com', '--role', 'member', '--invite-mode', 'email_link']);
    expect(jane).toMatchObject({ email: 'jane@example.com', status: 'INVITED', invite_mode: 'EMAIL_LINK', role: { type: 'PREDEFINED', name: 'MEMBER' } });
    ids.jane = jane.id;
    await acceptInvitation('jane@example.com');
    const again = await ax(['users', 'create', '--full-name', 'Jane Doe', '--email', 'jane@example.com', '--role', 'member', '--invite-mode', 'email_link']);
    expect(again.stderr).toContain('already has an account; no new invitation was sent');
    const tess = await ax(['users', 'create', '--full-name', 'Tess Temp', '--email', 'tess@example.com', '--role', 'MEMBER', '--invite-mode', 'TEMPORARY_PASSWORD']);
    expect(tess.stdout).toMatch(/^Temporary password: \S+$/m);
    expect(tess.stdout).not.toMatch(/^temporary_password/m);
    expect(tess.stderr).toContain('cannot be retrieved again');
    await ax(['users', 'create', '--full-name', 'Omar Ali', '--email', 'omar@example.com', '--role', 'MEMBER', '--invite-mode', 'EMAIL_LINK']);
    await acceptInvitation('omar@example.com');
    ids.omar = (await axJson(['users', 'get', 'omar@example.com'])).id;

    expect((await ax(['users', 'list'])).stdout).toContain('jane@example.com');
    expect((await axJson(['users', 'list', '--email', 'jane'])).users.map((u: { email: string }) => u.email)).toEqual(['jane@example.com']);
    expect((await axJson(['users', 'list', '--status', 'active'])).users.map((u: { status: string }) => u.status)).not.toContain('INVITED');
    expect((await axJson(['users', 'list', '-l', '100'])).pagination).toEqual({ has_more: false });
    expect((await axJson(['users', 'get', ids.jane!])).name).toBe('Jane Doe');
    expect((await axJson(['users', 'update', ids.jane!, '--full-name', 'Jane Smith'])).name).toBe('Jane Smith');
    expect((await axJson(['users', 'update', ids.jane!, '--is-developer'])).is_developer).toBe(true);
    const tessId = (await axJson(['users', 'get', 'tess@example.com'])).id;
    expect((await ax(['users', 'resend-invitation', tessId])).stdout).toContain('Sent a new invitation to tess@example.com');
    expect((await ax(['users', 'reset-password', ids.jane!])).stdout).toContain('Sent a password reset link to jane@example.com');
    const notInvited = await ax(['users', 'resend-invitation', ids.jane!], { code: EXIT.API });
    expect(notInvited.stderr).toMatch(/400 .*the user is ACTIVE/);
    expect(notInvited.stderr).toContain('ax users get USER');

    for (const user of [ids.jane!, ids.omar!]) {
      const org = await axJson(['organizations', 'add-user', 'Platform Team', '--user-id', user, '--role', 'member']);
      expect(org).toMatchObject({ organization_id: ids.org, user_id: user, role: { type: 'PREDEFINED', name: 'MEMBER' } });
      const space = await axJson(['spaces', 'add-user', 'team-alpha', '--user-id', user, '--role', 'member']);
      expect(space).toMatchObject({ space_id: ids.space, user_id: user });
    }
    expect((await ax(['organizations', 'list-users', 'Platform Team'])).stdout).toMatch(/^\S+\s+Jane Smith\s+jane@example\.com\s+MEMBER\s+false$/m);
    const members = await axJson(['spaces', 'list-users', 'team-alpha']);
    expect(members.memberships.map((m: { user: { email: string } }) => m.user.email).sort()).toEqual(['jane@example.com', 'omar@example.com']);
  });

  it('creates a custom role and binds it on the space (a second create is a no-op, exit 0)', async () => {
    const role = await ax(['roles', 'create', '--name', 'Data Scientist', '--permissions', 'PROJECT_READ,DATASET_CREATE,EXPERIMENT_CREATE', '--description', 'Read traces, create datasets and experiments']);
    expect(role.stdout).toMatch(/^permissions\s+DATASET_CREATE, EXPERIMENT_CREATE, PROJECT_READ$/m);
    const updated = await axJson(['roles', 'update', 'Data Scientist', '--permissions', 'PROJECT_READ,PROJECT_SPAN_READ,DATASET_CREATE,EXPERIMENT_CREATE,EVALUATOR_CREATE']);
    expect(updated.permissions).toHaveLength(5);
    ids.role = (await axJson(['roles', 'get', 'Data Scientist'])).id;
    expect((await ax(['roles', 'list'])).stdout).toContain('Data Scientist');
    expect((await axJson(['roles', 'list', '--is-predefined'])).roles.every((r: { is_predefined: boolean }) => r.is_predefined)).toBe(true);
    expect((await axJson(['roles', 'get', 'Member'])).permissions).toContain('PROJECT_READ');

    const args = ['role-bindings', 'create', '--user-id', ids.jane!, '--role-id', ids.role!, '--resource-type', 'SPACE', '--resource-id', ids.space!];
    const binding = await axJson(args);
    expect(binding).toMatchObject({ user_id: ids.jane, role_id: ids.role, resource_type: 'SPACE', resource_id: ids.space });
    ids.binding = binding.id;
    const again = await ax(args);
    expect(again.stderr).toContain('Role binding already exists');
    expect(again.stdout).toContain(binding.id);
    expect((await axJson(['role-bindings', 'get', ids.binding!])).id).toBe(ids.binding);
    const reviewer = await axJson(['roles', 'create', '--name', 'Reviewer', '--permissions', 'PROJECT_READ']);
    expect((await axJson(['role-bindings', 'update', ids.binding!, '--role-id', reviewer.id])).role_id).toBe(reviewer.id);
    const otherRole = await ax(['role-bindings', 'create', '--user-id', ids.jane!, '--role-id', 'Data Scientist', '--resource-type', 'space', '--resource-id', ids.space!], { code: EXIT.API });
    expect(otherRole.stderr).toContain(`ax role-bindings update ${ids.binding} --role-id ${ids.role}`);
    await ax(['role-bindings', 'update', ids.binding!, '--role-id', 'Data Scientist']);
    expect((await axJson(['role-bindings', 'list', '--user-id', 'jane@example.com'])).role_bindings.map((b: { id: string }) => b.id)).toEqual([ids.binding]);
    expect((await axJson(['role-bindings', 'list', '--resource-id', ids.space!])).role_bindings.map((b: { id: string }) => b.id)).toEqual([ids.binding]);
  });

  it('creates a space-scoped service key whose bot can use the space', async () => {
    const created = await ax(['api-keys', 'create-service-key', '--name', 'team-alpha-traces', '--space', 'team-alpha', '--space-role', 'member', '--expires-at', '2027-01-01T00:00:00']);
    const key = keyFrom(created);
    expect(created.stdout).toMatch(/^key_type\s+SERVICE$/m);
    expect(created.stdout).toMatch(/^expires_at\s+2027-01-01T00:00:00/m);
    expect(created.stderr).toContain('cannot be retrieved again');
    expect((await axJson(['spaces', 'get', 'team-alpha'], key)).id).toBe(ids.space);
  });
});

describe('SSO/SAML mappings', () => {
  it('lists custom roles with stable ids as JSON', async () => {
    const { roles } = await axJson(['roles', 'list', '--is-custom']);
    expect(roles.map((r: { name: string }) => r.name).sort()).toEqual(['Data Scientist', 'Reviewer']);
    expect(roles.find((r: { name: string }) => r.name === 'Data Scientist').id).toBe(ids.role);
    expect(roles.every((r: { is_predefined: boolean }) => !r.is_predefined)).toBe(true);
  });
});

describe('restricting a project', () => {
  it('creates and finds projects in a space', async () => {
    const project = await axJson(['projects', 'create', '--name', 'my-project', '--space', 'team-alpha']);
    ids.project = project.id;
    expect(project.space_id).toBe(ids.space);
    expect((await ax(['projects', 'list', '--space', 'team-alpha'])).stdout).toContain('my-project');
    expect((await axJson(['projects', 'list', '--space', 'team-alpha', '--name', 'my'])).projects).toHaveLength(1);
    expect((await axJson(['projects', 'list', '-l', '100', '--space', 'team-alpha'])).projects[0].id).toBe(ids.project);
    expect((await axJson(['projects', 'get', 'my-project', '--space', 'team-alpha'])).id).toBe(ids.project);
    const nameWithoutSpace = await ax(['projects', 'get', 'my-project'], { code: EXIT.USAGE });
    expect(nameWithoutSpace.stderr).toContain('--space');
  });

  it('restricts it (idempotently): space members lose access until a PROJECT binding grants it', async () => {
    const first = await axJson(['resource-restrictions', 'restrict', '--resource-id', ids.project!]);
    const second = await axJson(['resource-restrictions', 'restrict', '--resource-id', ids.project!]);
    expect(second).toEqual(first);
    expect((await axJson(['resource-restrictions', 'list'])).resource_restrictions.map((r: { resource_id: string }) => r.resource_id)).toEqual([ids.project]);

    const denied = stripAnsi((await ax(['access', 'check', '--user-id', 'omar@example.com', '--permission', 'PROJECT_SPAN_READ', '--resource-id', ids.project!])).stdout);
    expect(denied).toMatch(/^✗ denied: omar@example\.com does not hold PROJECT_SPAN_READ/);
    expect(denied).toMatch(/^ {2}- denied: .*restricted/m);
    await ax(['role-bindings', 'create', '--user-id', ids.jane!, '--role-id', ids.role!, '--resource-type', 'PROJECT', '--resource-id', ids.project!]);
    const allowed = await axJson(['access', 'check', '--user-id', ids.jane!, '--permission', 'project_span_read', '--resource-id', ids.project!]);
    expect(allowed.allowed).toBe(true);
    expect(allowed.reasons.map((r: { source: string }) => r.source)).toContain('PROJECT_BINDING');
    const who = await ax(['access', 'who', '--resource-id', ids.project!]);
    expect(who.stdout).toContain('jane@example.com');
    expect(who.stdout).not.toContain('omar@example.com');
  });

  it('unrestricts with --force, and restores inheritance', async () => {
    await ax(['resource-restrictions', 'unrestrict', '--resource-id', ids.project!, '--force']);
    expect((await axJson(['access', 'check', '--user-id', ids.omar!, '--permission', 'PROJECT_READ', '--resource-id', ids.project!])).allowed).toBe(true);
    const again = await ax(['resource-restrictions', 'unrestrict', '--resource-id', ids.project!, '--force'], { code: EXIT.API });
    expect(again.stderr).toMatch(/✗ Error: 404 Not Found/);
  });
});

describe('API keys: listing, rotation with grace, revocation', () => {
  it('creates a user key and lists keys', async () => {
    const created = await ax(['api-keys', 'create', '--name', 'CI pipeline', '--expires-at', '2027-01-01T00:00:00']);
    ids.ciKey = /^id\s+(\S+)$/m.exec(created.stdout)![1]!;
    ids.ciSecret = keyFrom(created);
    expect((await ax(['api-keys', 'list'])).stdout).toContain('CI pipeline');
    const services = await axJson(['api-keys', 'list', '--key-type', 'service', '--status', 'active']);
    expect(services.api_keys.map((k: { name: string }) => k.name)).toEqual(['team-alpha-traces']);
    expect(JSON.stringify(services)).not.toMatch(/"key":/);
  });

  it('refreshes with a grace period: old and new keys both work, then the old one ends', async () => {
    const refreshed = await ax(['api-keys', 'refresh', ids.ciKey!, '--expires-at', '2027-01-01T00:00:00', '--grace-period-seconds', '2']);
    const fresh = keyFrom(refreshed);
    expect(refreshed.stderr).toContain('keeps working for 2 s');
    await ax(['users', 'list'], { key: ids.ciSecret! });
    await ax(['users', 'list'], { key: fresh });
    await server.advanceClock(2001);
    const old = await ax(['users', 'list'], { key: ids.ciSecret!, code: EXIT.AUTH });
    expect(old.stderr).toMatch(/✗ Error: 401 Unauthorized/);
    expect(old.stderr).toContain('ax profiles show');
    ids.ciSecret = fresh;
  });

  it('refreshes an expiring key without flags into one that ends with it, refuses to extend it (422, exit 4), and refreshes an unbounded one', async () => {
    const current = (await axJson(['api-keys', 'list'])).api_keys.find((k: { name: string }) => k.name === 'CI pipeline');
    const kept = await axJson(['api-keys', 'refresh', current.id]);
    expect(kept.expires_at).toBe(current.expires_at);
    ids.ciSecret = kept.key;
    const extend = await ax(['api-keys', 'refresh', kept.id, '--expires-at', '2029-01-01T00:00:00'], { code: EXIT.API });
    expect(extend.stderr).toMatch(/✗ Error: 422 Unprocessable Entity; /);
    const open = await ax(['api-keys', 'create', '--name', 'rotating']);
    const openId = /^id\s+(\S+)$/m.exec(open.stdout)![1]!;
    const rotated = await ax(['api-keys', 'refresh', openId]);
    expect(rotated.stderr).toContain(`The old key ${openId} is revoked.`);
    await ax(['users', 'list'], { key: keyFrom(open), code: EXIT.AUTH });
    await ax(['users', 'list'], { key: keyFrom(rotated) });
    const rotatedId = /^id\s+(\S+)$/m.exec(rotated.stdout)![1]!;
    const bounded = await axJson(['api-keys', 'refresh', rotatedId, '--expires-at', '2028-01-01T00:00:00']);
    expect(bounded.expires_at).toMatch(/^2028-01-01T00:00:00/);
  });

  it('revokes with --force; the key stops working at once', async () => {
    const current = (await axJson(['api-keys', 'list'])).api_keys.find((k: { name: string }) => k.name === 'CI pipeline');
    expect((await ax(['api-keys', 'revoke', current.id, '--force'])).stdout).toContain(`Revoked API key ${current.id}`);
    await ax(['users', 'list'], { key: ids.ciSecret!, code: EXIT.AUTH });
    await ax(['api-keys', 'revoke', current.id, '--force']);
    const noDelete = await ax(['api-keys', 'delete', current.id], { code: EXIT.USAGE });
    expect(noDelete.stderr).toContain("unknown command 'delete'");
  });

  it('writes a new key to --env-file (0600) instead of printing it, and revokes it when the write fails', async () => {
    const file = join(home, '.env');
    const written = await ax(['api-keys', 'create', '--name', 'dotenv', '--env-file', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^ARIZE_API_KEY=ak-\S+\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(written.stdout).not.toContain(text.trim().split('=')[1]);
    await ax(['users', 'list'], { key: text.trim().split('=')[1]! });

    const failed = await ax(['api-keys', 'create', '--name', 'lost', '--env-file', join(home, 'missing-dir', '.env')], { code: EXIT.FILE_IO });
    expect(failed.stderr).toMatch(/could not write .*; the new key \S+ was revoked/);
    const revoked = await axJson(['api-keys', 'list', '--status', 'revoked']);
    expect(revoked.api_keys.map((k: { name: string }) => k.name)).toContain('lost');
  });

  it('--env-file works when bin/ax.js runs as the executable (a shell, npx), not only as `node -- bin/ax.js`', async () => {
    // Node 20 reads an `--env-file` anywhere on its command line as its own option unless `--` ends node's options.
    const file = join(home, 'direct.env');
    const code = await new Promise<number | null>((resolve) => {
      execFile(AX_BIN, ['api-keys', 'create', '--name', 'direct', '--env-file', file], { env: { PATH: process.env.PATH ?? '', HOME: home, ...env() } },
        (error) => resolve(error ? (error.code as number | null) : 0));
    });
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^ARIZE_API_KEY=ak-\S+\n$/);
  });
});

describe('multi-tenant service keys', () => {
  it('scopes one key per tenant space, from the seed flags or --assignments', async () => {
    await ax(['spaces', 'create', '--name', 'tenant-beta', '--organization-id', 'Platform Team']);
    const alpha = keyFrom(await ax(['api-keys', 'create', '--key-type', 'service', '--space', 'team-alpha', '--name', 'tenant-alpha']));
    const assignments = JSON.stringify([{ org_id: 'Platform Team', spaces: [{ space: 'tenant-beta', role: 'member' }] }]);
    const created = await axJson(['api-keys', 'create-service-key', '--name', 'tenant-beta', '-a', assignments]);
    expect(created.bot_user.organizations[0].spaces[0].role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    const beta = created.key as string;

    await ax(['projects', 'create', '--name', 'alpha-run', '--space', 'team-alpha'], { key: alpha });
    const sneaky = await ax(['projects', 'create', '--name', 'sneaky', '--space', 'tenant-beta'], { key: alpha, code: EXIT.API });
    expect(sneaky.stderr).toMatch(/✗ Error: 403 Forbidden/);
    expect(sneaky.stderr).toMatch(/Suggestion: Your key lacks PROJECT_CREATE/);
    await ax(['projects', 'create', '--name', 'beta-run', '--space', 'tenant-beta'], { key: beta });
    const escalate = await ax(['api-keys', 'create-service-key', '--name', 'escalate', '--space', 'team-alpha', '--space-role', 'admin'], { key: alpha, code: EXIT.API });
    expect(escalate.stderr).toMatch(/403 Forbidden/);
  });
});

describe('audit logs', () => {
  it('lists the mutations above, filtered by time, type and user', async () => {
    const { logs } = await axJson(['audit-logs', 'list', '--since', '24h', '--operation-type', 'mutation', '--all']);
    const names = logs.map((l: { operation_name: string }) => l.operation_name);
    for (const op of ['POST /v2/organizations', 'POST /v2/spaces', 'POST /v2/users', 'POST /v2/role-bindings', 'POST /v2/api-keys']) expect(names).toContain(op);
    expect(JSON.stringify(logs)).not.toContain(ids.ciSecret!);
    const mine = await axJson(['audit-logs', 'list', '--user-id', 'admin@localhost', '-l', '5']);
    expect(mine.logs).toHaveLength(5);
    expect(mine.pagination.has_more).toBe(true);
    const table = await ax(['audit-logs', 'list', '-l', '3']);
    expect(table.stdout).toMatch(/More audit log entries available: add --cursor \S+ for the next page/);
    const past = await axJson(['audit-logs', 'list', '--since', '2020-01-01', '--until', '2020-01-02T00:00:00']);
    expect(past.logs).toEqual([]);
  });
});

describe('offboarding', () => {
  it('deletes a user with --force: memberships, bindings and keys go', async () => {
    const before = await axJson(['users', 'list', '--email', 'jane']);
    expect(before.users).toHaveLength(1);
    const deleted = await ax(['users', 'delete', ids.jane!, '--force']);
    expect(deleted.stdout).toContain(`Deleted user ${ids.jane}`);
    expect((await axJson(['users', 'list', '--email', 'jane'])).users).toEqual([]);
    expect((await axJson(['role-bindings', 'list', '--user-id', ids.jane!])).role_bindings).toEqual([]);
    expect((await ax(['access', 'who', '--resource-id', ids.space!])).stdout).not.toContain('jane@example.com');
  });

  it('deletes several users, one result row each (exit 4 when any is not deleted)', async () => {
    for (const email of ['a@example.com', 'b@example.com']) await ax(['users', 'create', '--full-name', email, '--email', email, '--invite-mode', 'none']);
    const result = await ax(['users', 'delete', 'a@example.com', 'b@example.com', 'nobody@example.com', '--force'], { code: EXIT.API });
    expect(result.stdout).toMatch(/^a@example\.com\s+\S+\s+deleted\s*$/m);
    expect(result.stdout).toMatch(/^nobody@example\.com\s+not_found\s+no user with email/m);
    expect(result.stdout).toContain('2 deleted, 1 not found, 0 failed');
    const json = await ax(['users', 'delete', '--email', 'a@example.com,b@example.com', '--force', '-o', 'json'], { code: EXIT.API });
    expect(JSON.parse(json.stdout).results.map((r: { result: string }) => r.result)).toEqual(['not_found', 'not_found']);
  });

  it('deletes a role binding with --force', async () => {
    const binding = await axJson(['role-bindings', 'create', '--user-id', ids.omar!, '--role-id', 'Reviewer', '--resource-type', 'SPACE', '--resource-id', ids.space!]);
    expect((await ax(['role-bindings', 'delete', binding.id, '--force'])).stdout).toContain(`Deleted role binding ${binding.id}`);
    await ax(['role-bindings', 'get', binding.id], { code: EXIT.API });
  });

  it('removes members from a space and an organization', async () => {
    await ax(['spaces', 'remove-user', 'team-alpha', '--user-id', ids.omar!, '--force']);
    await ax(['organizations', 'remove-user', 'Platform Team', '--user-id', ids.omar!, '--force']);
    const notMember = await ax(['organizations', 'remove-user', 'Platform Team', '--user-id', ids.omar!, '--force'], { code: EXIT.API });
    expect(notMember.stderr).toMatch(/404 Not Found/);
  });
});

describe('error paths', () => {
  it('a name that matches nothing lists close names (exit 4)', async () => {
    const result = await ax(['organizations', 'get', 'Platfrom Team'], { code: EXIT.API });
    expect(result.stderr).toContain('✗ Error: no organization named "Platfrom Team"; close names: "Platform Team"');
  });

  it('an unknown id is a 404 with a list suggestion; --verbose adds the problem and x-request-id', async () => {
    const result = await ax(['spaces', 'get', 'U3BhY2U6OTk5OQ==', '-v'], { code: EXIT.API });
    expect(result.stderr).toMatch(/^✗ Error: 404 Not Found; /);
    expect(result.stderr).toContain('Raw Response Body');
    expect(result.stderr).toMatch(/x-request-id: \S+/);
    expect(result.stderr).toContain('Suggestion: It does not exist or is not visible to you. List what exists with `ax spaces list`.');
  });

  it('a duplicate name is a 409 with an "already exists" suggestion', async () => {
    const result = await ax(['organizations', 'create', '--name', 'Platform Team'], { code: EXIT.API });
    expect(result.stderr).toMatch(/✗ Error: 409 Conflict; /);
    expect(result.stderr).toContain('already exists');
  });

  it('a bad key is a 401 (exit 3); a member lacking rights gets a 403 (exit 4)', async () => {
    await ax(['users', 'list'], { key: 'ak-not-a-key', code: EXIT.AUTH });
    const member = await ax(['api-keys', 'create', '--name', 'member key'], { key: await memberKey() });
    const forbidden = await ax(['audit-logs', 'list'], { key: keyFrom(member), code: EXIT.API });
    expect(forbidden.stderr).toMatch(/✗ Error: 403 Forbidden/);
  });

  it('an unknown permission is refused before any request (exit 2)', async () => {
    const result = await ax(['roles', 'create', '--name', 'Bad', '--permissions', 'PROJECT_REED'], { code: EXIT.USAGE });
    expect(result.stderr).toContain('did you mean PROJECT_READ?');
  });

  it('-o with a file path writes that format', async () => {
    const file = join(home, 'users.csv');
    await ax(['users', 'list', '-o', file]);
    expect(readFileSync(file, 'utf8').split('\r\n')[0]).toMatch(/^id,name,email,role\.type,role\.name,status,is_developer,created_at$/);
  });
});

describe('profiles against the server', () => {
  it('the bootstrap profile makes `ax users list` work at once, and validates', async () => {
    const bootstrap = { ARIZE_DIRECTORY: server.profileDir };
    expect(existsSync(join(server.profileDir, 'config.toml'))).toBe(true);
    const list = await runAx(['users', 'list'], { env: bootstrap });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('admin@localhost');
    const validate = await runAx(['profiles', 'validate'], { env: bootstrap });
    expect(validate.stdout).toContain('key authenticates as admin@localhost');
    const show = await runAx(['profiles', 'show'], { env: bootstrap });
    expect(show.stdout).not.toContain(server.adminKey);
    expect(show.stdout).toMatch(/^api_key\s+ak-…\S{4}$/m);
  });

  it('creates, uses and lists profiles; a broken key fails validation with exit 3', async () => {
    const dir = { ARIZE_DIRECTORY: testTempDir('ax-e2e-profiles-') };
    expect((await runAx(['profiles', 'create', 'local', '--api-key', server.adminKey, '--endpoint', server.url], { env: dir })).code).toBe(0);
    expect((await runAx(['profiles', 'create', 'wrong', '--api-key', 'ak-wrong', '--endpoint', server.url], { env: dir })).code).toBe(0);
    expect((await runAx(['profiles', 'validate', 'wrong'], { env: dir })).code).toBe(EXIT.AUTH);
    const deleteActive = await runAx(['profiles', 'delete', 'wrong', '--force'], { env: dir });
    expect(deleteActive.stderr).toContain('is the active one');
    await runAx(['profiles', 'use', 'local'], { env: dir });
    expect((await runAx(['organizations', 'get', 'Platform Team'], { env: dir })).code).toBe(0);
    expect((await runAx(['organizations', 'get', 'Platform Team', '-p', 'wrong'], { env: dir })).code).toBe(EXIT.AUTH);
    expect((await runAx(['profiles', 'delete', 'wrong', '--force'], { env: dir })).code).toBe(0);
    expect((await runAx(['profiles', 'list'], { env: dir })).stdout).toMatch(/^\*\s+local\s/m);
  });
});

describe('on a terminal: questions, and cleanup with confirmation (seed: the ⚠ commands)', () => {
  it('users create asks for a missing name and email', async () => {
    const result = await runAxInTty(['users', 'create', '--invite-mode', 'none'], {
      env: env(),
      input: [{ after: 'Full name:', send: 'Pat Prompted\r' }, { after: 'Email:', send: 'pat@example.com\r' }],
    });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toMatch(/^email\s+pat@example\.com$/m);
    expect(text).toMatch(/^status\s+EXPIRED$/m);
  });

  it('spaces delete asks to type the name on a terminal; a wrong name keeps the space', async () => {
    await ax(['spaces', 'create', '--name', 'scratch', '--organization-id', ids.org!]);
    const declined = await runAxInTty(['spaces', 'delete', 'scratch'], { env: env(), input: 'scrach\n' });
    const text = stripAnsi(declined.stdout);
    expect(text).toContain('This will delete space scratch:');
    expect(text).toMatch(/- 0 projects with all their traces/);
    expect(text).toMatch(/- 0 space memberships and 0 role bindings on the space and its projects/);
    expect(text).toContain('Type scratch to confirm');
    expect(text).toContain('Space scratch not deleted.');
    await ax(['spaces', 'get', 'scratch']);
    const confirmed = await runAxInTty(['spaces', 'delete', 'scratch'], { env: env(), input: 'scratch\n' });
    expect(stripAnsi(confirmed.stdout)).toContain('Deleted space scratch');
  });

  it('users delete on a terminal spells out the cascade', async () => {
    await ax(['users', 'create', '--full-name', 'Temp', '--email', 'temp@example.com']);
    await acceptInvitation('temp@example.com');
    await ax(['organizations', 'add-user', 'Platform Team', '--user-id', 'temp@example.com', '--role', 'read-only']);
    const result = await runAxInTty(['users', 'delete', 'temp@example.com'], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(text, text).toMatch(/temp@example\.com: 1 organization membership, 0 space memberships, 0 role bindings, 0 API keys revoked/);
    expect(stripAnsi(result.stdout)).toContain('User temp@example.com not deleted.');
  });

  it('deletes the project, the role, the space and the organization with --force', async () => {
    await ax(['projects', 'delete', 'my-project', '--space', 'team-alpha', '--force']);
    await ax(['roles', 'delete', 'Data Scientist', '--force']);
    const predefined = await ax(['roles', 'delete', 'Admin', '--force'], { code: EXIT.API });
    expect(predefined.stderr).toMatch(/403 Forbidden; .*predefined role/);
    await ax(['role-bindings', 'list']);
    await ax(['spaces', 'delete', 'team-alpha', '--force']);
    await ax(['organizations', 'delete', 'Platform Team', '--force']);
    expect((await axJson(['organizations', 'list'])).organizations).toEqual([]);
  });
});
