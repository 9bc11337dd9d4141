import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { adminAndMemberConsoles, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 17 in the console: every confirmation of a change that moves rights shows the server's dry run first (whose
 * access changes, by name, with the details by person), the forms that grant access offer "grant for…" with a reason,
 * and the lists say when each grant ends.
 */
const ADA = { email: 'ada@example.com', name: 'Ada Lovelace' };
const BOB = { email: 'bob@example.com', name: 'Bob Builder' };
const MAYA = { email: 'maya@example.com', name: 'Maya Member', password: 'maya-previews-password-1' };

let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let member: Page;
const pageErrors: string[] = [];
const ids = { org: '', space: '', project: '', ada: '', bob: '', maya: '' };
let mayaKey = '';

beforeAll(async () => {
  server = await startTestServer();
  ids.org = await createOrganization(server, 'team-alpha');
  ids.space = await createSpace(server, ids.org, 'alpha-space');
  ids.project = await createProject(server, ids.space, 'chat');
  for (const [key, person] of [['ada', ADA], ['bob', BOB], ['maya', MAYA]] as const) {
    const user = await createUserWithKey(server, { email: person.email, name: person.name, role: 'MEMBER' });
    ids[key] = user.id;
    await addOrganizationMember(server, ids.org, user.id, 'READ_ONLY');
    await addSpaceMember(server, ids.space, user.id, 'MEMBER');
    if (person === MAYA) {
      await setPassword(server, user.dbId, MAYA.password);
      mayaKey = user.key;
    }
  }

  ({ browser, admin, member } = await adminAndMemberConsoles(server, MAYA, pageErrors));
}, 90_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await server?.close();
});

/** Each principal's permissions on a resource, as GET /v2/access/principals answers them, by email. */
async function permissionsOn(resourceId: string): Promise<Map<string, string[]>> {
  const res = await server.api('GET', `/v2/access/principals?resource_id=${enc(resourceId)}`);
  expect(res.status).toBe(200);
  return new Map(res.body.principals.map((p: Json) => [p.user.email, p.permissions]));
}

/** Per email, the permissions held before and not after (or after and not before, with `gained`). */
function moved(before: Map<string, string[]>, after: Map<string, string[]>, gained = false): Map<string, string[]> {
  const [from, to] = gained ? [after, before] : [before, after];
  const out = new Map<string, string[]>();
  for (const [email, held] of from) {
    const kept = new Set(to.get(email) ?? []);
    const gone = held.filter((p) => !kept.has(p));
    if (gone.length > 0) out.set(email, gone);
  }
  return out;
}

/** The details of a preview, opened: for each principal (by email), the chips under "Gains" or "Loses" on `where`. */
async function previewDetails(preview: Locator, verb: 'Gains' | 'Loses', where: string): Promise<Map<string, string[]>> {
  const details = preview.locator('details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  const rows = await preview.locator('.preview-principals > li').evaluateAll((people, [label, on]) => people.map((person) => {
    const email = person.querySelector(':scope > .muted.small')?.textContent ?? person.querySelector(':scope > .strong')?.textContent ?? '';
    const resource = [...person.querySelectorAll('.preview-resources > li')].find((li) => li.firstElementChild?.textContent === `On ${on}`);
    const block = [...resource?.querySelectorAll('.preview-permissions') ?? []].find((b) => b.textContent?.startsWith(`${label}:`));
    return [email, [...block?.querySelectorAll('.chip') ?? []].map((c) => c.getAttribute('title') ?? '')] as const;
  }), [verb, where] as const);
  return new Map(rows.filter(([, permissions]) => permissions.length > 0).map(([email, permissions]) => [email, [...permissions].sort()]));
}

function sorted(map: Map<string, string[]>): Map<string, string[]> {
  return new Map([...map].map(([k, v]) => [k, [...v].sort()]));
}

async function mutationCount(): Promise<number> {
  const res = await server.api('GET', '/v2/audit-logs?operation_type=MUTATION&limit=100');
  expect(res.status).toBe(200);
  return res.body.logs.length;
}

describe('previews in confirmations', { timeout: 90_000 }, () => {
  it('restricting a project shows who loses what on it, and the API then does exactly that', async () => {
    const before = await permissionsOn(ids.project);
    await gotoSettled(admin, `/projects/${ids.project}`);
    await admin.getByRole('button', { name: 'Restrict project' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Restrict project' });
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    const lines = await preview.getByRole('list', { name: 'Access changes' }).getByRole('listitem').allInnerTexts();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/^3 people \(Ada Lovelace, Bob Builder, Maya Member\) lose \d+ permissions on project ‘chat’\.$/m);
    expect(lines.join('\n')).not.toMatch(/VXNl|UHJv|U3Bh/);
    const previewed = await previewDetails(preview, 'Loses', 'project ‘chat’');
    await expectNoAxeViolations(admin, '[role="dialog"]');

    await dialog.getByRole('button', { name: 'Restrict project' }).click();
    await dialog.waitFor({ state: 'detached' });
    const actual = sorted(moved(before, await permissionsOn(ids.project)));
    expect(previewed).toEqual(actual);
    expect([...actual.keys()]).toEqual(expect.arrayContaining([ADA.email, BOB.email, MAYA.email]));

    // And back: lifting it gives the same people back the same permissions, previewed first.
    await admin.getByRole('button', { name: 'Remove restriction' }).click();
    const lift = admin.getByRole('dialog', { name: 'Remove restriction' });
    const back = await previewDetails(lift.getByRole('group', { name: 'Whose access changes' }), 'Gains', 'project ‘chat’');
    expect(back).toEqual(actual);
    await lift.getByRole('button', { name: 'Remove restriction' }).click();
    await lift.waitFor({ state: 'detached' });
    expect(sorted(await permissionsOn(ids.project))).toEqual(sorted(before));
  });

  it('cancelling a previewed removal writes nothing', async () => {
    const binding = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: ids.bob, role_id: await roleId('Admin'), resource_type: 'PROJECT', resource_id: ids.project },
    });
    expect(binding.status).toBe(201);
    const audited = await mutationCount();
    const before = await permissionsOn(ids.project);

    await gotoSettled(admin, `/projects/${ids.project}`);
    await admin.getByRole('button', { name: `Remove binding of ${BOB.email}` }).click();
    const dialog = admin.getByRole('dialog', { name: 'Remove role binding' });
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    expect(await preview.getByRole('listitem').first().innerText()).toMatch(/^1 person \(Bob Builder\) loses \d+ permissions on project ‘chat’\.$/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect((await server.api('GET', `/v2/role-bindings/${enc(binding.body.id)}`)).status).toBe(200);
    expect(await mutationCount()).toBe(audited);
    expect(await permissionsOn(ids.project)).toEqual(before);
    await server.api('DELETE', `/v2/role-bindings/${enc(binding.body.id)}`);
  });

  it('removing a space member previews their losses beside the cascade', async () => {
    await gotoSettled(admin, `/spaces/${ids.space}`);
    const members = admin.getByRole('region', { name: 'Members' });
    await members.getByRole('button', { name: `Remove ${BOB.email}` }).click();
    const dialog = admin.getByRole('dialog', { name: 'Remove member' });
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    expect(await preview.getByRole('listitem').first().innerText()).toMatch(/^1 person \(Bob Builder\) loses \d+ permissions on space ‘alpha-space’\.$/);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});

describe('more previews', { timeout: 90_000 }, () => {
  it('editing a custom role\'s permissions previews what its holders lose, and the API then does that', async () => {
    const cy = await createUserWithKey(server, { email: 'cy@example.com', name: 'Cy Coder', role: 'MEMBER' });
    const role = await server.api('POST', '/v2/roles', { body: { name: 'Span reader', permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ'] } });
    expect(role.status).toBe(201);
    const bound = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: cy.id, role_id: role.body.id, resource_type: 'PROJECT', resource_id: ids.project },
    });
    expect(bound.status).toBe(201);
    const before = await permissionsOn(ids.project);

    await gotoSettled(admin, '/roles');
    await admin.getByRole('button', { name: 'Edit Span reader' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Edit Span reader' });
    await dialog.getByRole('checkbox', { name: 'Project span read' }).uncheck();
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    expect(await preview.getByRole('listitem').first().innerText()).toBe('1 person (Cy Coder) loses Project span: Read on project ‘chat’.');
    const previewed = await previewDetails(preview, 'Loses', 'project ‘chat’');
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(previewed).toEqual(sorted(moved(before, await permissionsOn(ids.project))));
    expect(previewed).toEqual(new Map([['cy@example.com', ['PROJECT_SPAN_READ']]]));
  });

  it('revoking a service key previews what its bot loses', async () => {
    const created = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'SERVICE', name: 'ci-traces', organizations: [{ org_id: ids.org, spaces: [{ space_id: ids.space }] }] },
    });
    expect(created.status).toBe(201);
    await gotoSettled(admin, '/settings/api-keys?tab=service');
    await admin.getByRole('row').filter({ hasText: created.body.redacted_key }).getByRole('button', { name: 'Revoke ci-traces' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Revoke API key' });
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    const lines = (await preview.getByRole('list', { name: 'Access changes' }).getByRole('listitem').allInnerTexts()).join('\n');
    expect(lines).toMatch(/^1 service key \(.+\) loses \d+ permissions on space ‘alpha-space’\.$/m);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('GET', '/v2/api-keys', { key: created.body.key })).status).toBe(401);
  });

  it('deleting a user shows whose access goes, by name, beside the cascade; cancelling keeps them', async () => {
    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: `Delete ${MAYA.email}` }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete user' });
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    const lines = (await preview.getByRole('listitem').allInnerTexts()).join('\n');
    expect(lines).toMatch(/^1 person \(Maya Member\) loses \d+ permissions on space ‘alpha-space’\.$/m);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('GET', `/v2/users/${enc(ids.maya)}`)).status).toBe(200);
  });
});

describe('previews of deletes and account roles', { timeout: 90_000 }, () => {
  it('deleting a project shows whose access goes beside what it deletes; cancelling keeps it', async () => {
    const scratch = await createProject(server, ids.space, 'scratch');
    await gotoSettled(admin, `/projects/${scratch}`);
    await admin.getByRole('button', { name: 'Delete' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete project' });
    await dialog.getByRole('list', { name: 'What this deletes' }).waitFor();
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    const lines = (await preview.getByRole('list', { name: 'Access changes' }).getByRole('listitem').allInnerTexts()).join('\n');
    expect(lines).toMatch(/^\d+ people( \(.+\))? lose \d+ permissions on project ‘scratch’\.$/m);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('GET', `/v2/projects/${enc(scratch)}`)).status).toBe(200);
  });

  it('changing an account role previews what the person gains, and the API then gives it', async () => {
    const riley = await createUserWithKey(server, { email: 'riley@example.com', name: 'Riley Role' });
    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: `Edit ${riley.email}` }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Account role').selectOption('ADMIN');
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    const lines = (await preview.getByRole('list', { name: 'Access changes' }).getByRole('listitem').allInnerTexts()).join('\n');
    expect(lines).toMatch(/^1 person \(Riley Role\) gains \d+ permissions on the account\.$/m);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('GET', `/v2/users/${enc(riley.id)}`)).body.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
  });
});

async function roleId(name: string): Promise<string> {
  const res = await server.api('GET', '/v2/roles?limit=100');
  const role = res.body.roles.find((r: Json) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role.id;
}

describe('grant for…', { timeout: 90_000 }, () => {
  it('a 4-hour role binding is previewed, sent with its end and reason, and shows when it ends', async () => {
    await gotoSettled(admin, `/projects/${ids.project}`);
    await admin.getByRole('button', { name: 'Add binding' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add role binding' });
    await dialog.getByLabel('User email').fill(ADA.email);
    await dialog.getByLabel('Role').selectOption({ label: 'Admin' });
    await dialog.getByLabel('Grant for').selectOption({ label: '4 hours' });
    await dialog.getByLabel('Reason (optional)').fill('incident 123');
    const preview = dialog.getByRole('group', { name: 'Whose access changes' });
    await preview.waitFor();
    expect(await preview.getByRole('listitem').first().innerText()).toMatch(/^1 person \(Ada Lovelace\) gains \d+ permissions? on project ‘chat’\.$/);
    await expectNoAxeViolations(admin, '[role="dialog"]');
    const sentAt = Date.now();
    await dialog.getByRole('button', { name: 'Add binding' }).click();
    await dialog.waitFor({ state: 'detached' });

    const list = await server.api('GET', `/v2/role-bindings?resource_type=PROJECT&resource_id=${enc(ids.project)}`);
    const binding = list.body.role_bindings.find((b: Json) => b.user_id === ids.ada);
    expect(binding.reason).toBe('incident 123');
    const end = new Date(binding.expires_at).getTime();
    expect(end - sentAt).toBeGreaterThan(4 * 3_600_000 - 60_000);
    expect(end - sentAt).toBeLessThan(4 * 3_600_000 + 60_000);

    const row = admin.getByRole('region', { name: 'Role bindings' }).getByRole('row').filter({ hasText: ADA.email });
    const ends = row.locator('time');
    await ends.waitFor();
    expect(await ends.innerText()).toMatch(/^until .+ (today|tomorrow)$/);
    expect(new Date((await ends.getAttribute('datetime'))!).getTime()).toBe(end);
    expect(await ends.getAttribute('title')).toBeTruthy();
    expect(await row.innerText()).toContain('Reason: incident 123');
    await expectNoAxeViolations(admin);

    // The access page says the same against the grant that gives it.
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}&project=${ids.project}`);
    const who = admin.getByRole('row').filter({ hasText: ADA.email });
    const reason = who.locator('ul.reasons li').filter({ hasText: 'Role binding Admin' });
    await expect.poll(() => reason.innerText()).toMatch(/^Gives Role binding Admin on project ‘chat’ · until .+ (today|tomorrow) · incident 123$/);
    expect(new Date((await reason.locator('time').getAttribute('datetime'))!).getTime()).toBe(end);
    await expectNoAxeViolations(admin);
  });

  it('a membership for a day is sent with its end, and changing its role keeps that end', async () => {
    await gotoSettled(admin, `/organizations/${ids.org}`);
    const members = admin.getByRole('region', { name: 'Members' });
    await members.getByRole('button', { name: `Change role of ${BOB.email}` }).click();
    let dialog = admin.getByRole('dialog', { name: 'Change role' });
    await dialog.getByLabel('Role').selectOption({ label: 'Member' });
    await dialog.getByLabel('Grant for').selectOption({ label: '1 day' });
    await dialog.getByRole('group', { name: 'Whose access changes' }).waitFor();
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await dialog.waitFor({ state: 'detached' });
    const read = async () => (await server.api('GET', `/v2/organizations/${enc(ids.org)}/users?limit=100`)).body.memberships
      .find((m: Json) => m.user_id === ids.bob);
    const first = await read();
    expect(first.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    expect(new Date(first.expires_at).getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await expect.poll(() => members.getByRole('row').filter({ hasText: BOB.email }).locator('time').innerText()).toMatch(/^until /);

    await members.getByRole('button', { name: `Change role of ${BOB.email}` }).click();
    dialog = admin.getByRole('dialog', { name: 'Change role' });
    expect(await dialog.getByLabel('Grant for').locator('option:checked').innerText()).toMatch(/^Unchanged \(until /);
    await dialog.getByLabel('Role').selectOption({ label: 'Read Only' });
    await dialog.getByRole('button', { name: 'Save role' }).click();
    await dialog.waitFor({ state: 'detached' });
    const second = await read();
    expect(second.role).toEqual({ type: 'PREDEFINED', name: 'READ_ONLY' });
    expect(second.expires_at).toBe(first.expires_at);
    await expectNoAxeViolations(admin);
  });
});

describe('a member', { timeout: 60_000 }, () => {
  it('sees when grants end but no control it cannot use, and the API agrees it cannot', async () => {
    await gotoSettled(member, `/projects/${ids.project}`);
    await member.getByRole('heading', { name: 'chat', level: 1 }).waitFor();
    await member.getByRole('region', { name: 'Role bindings' }).getByRole('columnheader', { name: 'Ends' }).waitFor();
    for (const name of ['Restrict project', 'Remove restriction', 'Add binding']) {
      expect(await member.getByRole('button', { name }).count()).toBe(0);
    }
    expect(await member.getByRole('button', { name: /^(Remove binding|Change role)/ }).count()).toBe(0);
    await gotoSettled(member, `/spaces/${ids.space}`);
    await member.getByRole('heading', { name: 'alpha-space', level: 1 }).waitFor();
    for (const name of ['Add member', 'Add binding']) expect(await member.getByRole('button', { name }).count()).toBe(0);
    expect(await member.getByRole('button', { name: /^(Remove |Change role)/ }).count()).toBe(0);
    await expectNoAxeViolations(member);

    // The hidden controls are the ones the server refuses her, dry run or not.
    const asMaya = { key: mayaKey };
    expect((await server.api('POST', '/v2/resource-restrictions?dry_run=true', { ...asMaya, body: { resource_id: ids.project } })).status).toBe(403);
    const binding = { user_id: ids.maya, role_id: await roleId('Admin'), resource_type: 'PROJECT', resource_id: ids.project };
    expect((await server.api('POST', '/v2/role-bindings?dry_run=true', { ...asMaya, body: binding })).status).toBe(403);
    const membership = { user_id: ids.ada, role: { type: 'PREDEFINED', name: 'ADMIN' } };
    expect((await server.api('POST', `/v2/spaces/${enc(ids.space)}/users?dry_run=true`, { ...asMaya, body: membership })).status).toBe(403);
  });
});
