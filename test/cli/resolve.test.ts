import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AxClient } from '../../src/client/client.js';
import { UsageError } from '../../src/cli/errors/cli-error.js';
import { EXIT } from '../../src/cli/errors/exit-codes.js';
import { closeMatches } from '../../src/cli/resolve/close-matches.js';
import { NameNotFoundError } from '../../src/cli/resolve/errors.js';
import { idType, isResourceId } from '../../src/cli/resolve/id.js';
import { resolveOrganizationId, resolveProjectId, resolveRoleId, resolveSpace, resolveUserId } from '../../src/cli/resolve/resources.js';
import { parseRoleAssignment } from '../../src/cli/resolve/role-assignment.js';

const id = (text: string) => Buffer.from(text).toString('base64');

/**
 * A tiny fake of the list endpoints (unit level only: the end-to-end suite runs against the real server). It pages
 * by two items, applies the case-insensitive substring filters the server applies, and records every request.
 */
const data: Record<string, Record<string, unknown>[]> = {
  organizations: [
    { id: id('Organization:1'), name: 'Platform Team' },
    { id: id('Organization:2'), name: 'Platform Team Labs' },
    { id: id('Organization:3'), name: 'platform team' },
  ],
  spaces: [
    { id: id('Space:1'), name: 'team-alpha', organization_id: id('Organization:1') },
    { id: id('Space:2'), name: 'team-alpha', organization_id: id('Organization:2') },
    { id: id('Space:3'), name: 'team-beta', organization_id: id('Organization:1') },
  ],
  projects: [
    { id: id('Project:1'), name: 'playground', space_id: id('Space:1') },
    { id: id('Project:2'), name: 'playground', space_id: id('Space:3') },
  ],
  roles: [
    { id: id('Role:1'), name: 'Admin', is_predefined: true },
    { id: id('Role:3'), name: 'Read Only', is_predefined: true },
    { id: id('Role:4'), name: 'Annotator', is_predefined: true },
    { id: id('Role:5'), name: 'Data Scientist', is_predefined: false },
  ],
  users: [
    { id: id('User:1'), email: 'admin@localhost' },
    { id: id('User:2'), email: 'Jane@Example.com' },
    { id: id('User:3'), email: 'jane@example.community' },
  ],
};
const FILTER: Record<string, [string, string]> = { name: ['name', 'name'], email: ['email', 'email'] };
let requests: URL[] = [];
let server: Server;
let client: AxClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url);
    const resource = url.pathname.replace('/v2/', '');
    let items = data[resource] ?? [];
    for (const [param, [field]] of Object.entries(FILTER)) {
      const wanted = url.searchParams.get(param);
      if (wanted) items = items.filter((item) => String(item[field]).toLowerCase().includes(wanted.toLowerCase()));
    }
    const orgId = url.searchParams.get('org_id');
    if (orgId) items = items.filter((item) => item.organization_id === orgId);
    const spaceId = url.searchParams.get('space_id');
    if (spaceId) items = items.filter((item) => item.space_id === spaceId);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const pageItems = items.slice(start, start + 2);
    const hasMore = start + 2 < items.length;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ [resource]: pageItems, pagination: hasMore ? { has_more: true, next_cursor: String(start + 2) } : { has_more: false } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new AxClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'ak-test' });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
});

describe('id detection (Arize\'s IsResourceID rule, as cli.md states it: base64 of `Type:…`)', () => {
  it('treats padded standard base64 that decodes to text with ":" as an id', () => {
    for (const value of ['VXNlcjoxOnVzci0x', 'VXNlcjoxMjM0NQ==', 'QXVkaXRMb2c6MQ==', 'T3JnYW5pemF0aW9uOjE6MQ==', 'U3BhY2U6MTox', 'Um9sZToxOmFkbWlu']) {
      expect(isResourceId(value), value).toBe(true);
    }
    expect(idType('U3BhY2U6MTox')).toBe('Space');
  });

  it('treats names, unpadded base64 and base64 without ":" as names', () => {
    for (const value of ['team-alpha', 'Platform Team', 'Data Scientist', 'VXNlcjoxOjEyMw', 'UHJvamVjdDoxOmV4YW1wbGU', 'Team', 'abcd', 'OrgX', '']) {
      expect(isResourceId(value), value).toBe(false);
    }
  });
});

describe('name resolution', () => {
  it('passes ids through without a request', async () => {
    expect(await resolveOrganizationId(client, id('Organization:9'))).toBe(id('Organization:9'));
    expect(requests).toHaveLength(0);
  });

  it('finds a name through the list endpoint\'s filter with limit=100, across pages, exactly and case-sensitively', async () => {
    expect(await resolveOrganizationId(client, 'Platform Team')).toBe(id('Organization:1'));
    expect(requests[0]!.searchParams.get('name')).toBe('Platform Team');
    expect(requests[0]!.searchParams.get('limit')).toBe('100');
    expect(requests.length).toBe(2);
    expect(await resolveOrganizationId(client, 'platform team')).toBe(id('Organization:3'));
  });

  it('lists the ids when a name matches several (space names are unique only per organization)', async () => {
    const error = await resolveSpace(client, 'team-alpha').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`2 spaces are named "team-alpha": ${id('Space:1')} (organization ${id('Organization:1')}), ${id('Space:2')}`);
    expect((await resolveSpace(client, 'team-alpha', id('Organization:2'))).id).toBe(id('Space:2'));
  });

  it('lists close names when nothing matches', async () => {
    const error = await resolveOrganizationId(client, 'Platform Teem').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NameNotFoundError);
    expect((error as NameNotFoundError).exitCode).toBe(EXIT.API);
    expect((error as Error).message).toBe('no organization named "Platform Teem"; close names: "Platform Team"');
  });

  it('resolves a project name within its space only', async () => {
    expect(await resolveProjectId(client, 'playground', 'team-beta')).toBe(id('Project:2'));
    expect(requests.some((r) => r.pathname === '/v2/projects' && r.searchParams.get('space_id') === id('Space:3'))).toBe(true);
    await expect(resolveProjectId(client, 'playground', undefined)).rejects.toThrow(UsageError);
  });

  it('pages through every role (roles have no name filter)', async () => {
    expect(await resolveRoleId(client, 'Data Scientist')).toBe(id('Role:5'));
    expect(requests.every((r) => !r.searchParams.has('name'))).toBe(true);
    expect(requests).toHaveLength(2);
  });

  it('matches emails exactly but case-insensitively', async () => {
    expect(await resolveUserId(client, 'jane@example.com')).toBe(id('User:2'));
    const missing = await resolveUserId(client, 'jan@example.com').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NameNotFoundError);
    // Not "case-sensitively": that is the rule for names, and JANE@EXAMPLE.COM does find jane@example.com.
    expect((missing as NameNotFoundError).suggestion).toBe('Emails match whole, in any case; list them with `ax users list --email "jan"`, or pass the id.');
    await expect(resolveUserId(client, 'jane')).rejects.toThrow(/neither a user id nor an email/);
  });
});

describe('role assignments', () => {
  const allowed = ['ADMIN', 'MEMBER', 'READ_ONLY'];
  it('accepts predefined names, custom ids and role names', async () => {
    expect(await parseRoleAssignment(client, 'read-only', allowed, '--role')).toEqual({ type: 'PREDEFINED', name: 'READ_ONLY' });
    expect(await parseRoleAssignment(client, id('Role:5'), allowed, '--role')).toEqual({ type: 'CUSTOM', id: id('Role:5') });
    expect(await parseRoleAssignment(client, 'Data Scientist', allowed, '--role')).toEqual({ type: 'CUSTOM', id: id('Role:5') });
    expect(await parseRoleAssignment(client, 'Read Only', allowed, '--role')).toEqual({ type: 'PREDEFINED', name: 'READ_ONLY' });
  });

  it('refuses a predefined role that is not allowed there', async () => {
    await expect(parseRoleAssignment(client, 'annotator', allowed, '--space-role')).rejects.toThrow('--space-role: annotator is not allowed here');
    await expect(parseRoleAssignment(client, 'Annotator', allowed, '--space-role')).rejects.toThrow(/not allowed here/);
  });
});

describe('close matches', () => {
  it('ranks case variants, substrings and small edits', () => {
    expect(closeMatches('team-alhpa', ['team-alpha', 'team-beta', 'zzz'])).toEqual(['team-alpha']);
    expect(closeMatches('alpha', ['team-alpha', 'beta'])).toEqual(['team-alpha']);
    expect(closeMatches('x', ['completely different'])).toEqual([]);
  });
});
