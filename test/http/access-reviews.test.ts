import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseId } from '../../src/domain/ids.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Access reviews (issue 18, docs/access-reviews.md): a signed snapshot of every grant, its diff against an earlier
 * review, decisions that revoke through the normal services with audit rows naming the review, and the CSV export.
 */

let server: TestServer;
let ada: FixtureUser;
let member: FixtureUser;
let h: { org: string; space: string; project: string };

const dbId = (id: string) => parseId(id)!.n;

async function ok(method: string, path: string, body?: unknown, status = 200): Promise<Json> {
  const res = await server.api(method, path, body === undefined ? {} : { body });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

async function allGrants(reviewId: string, query = ''): Promise<Json[]> {
  const out: Json[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await ok('GET', `/v2/access-reviews/${enc(reviewId)}/grants?limit=2${query}${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    out.push(...page.grants);
    if (!page.pagination.has_more) return out;
    cursor = page.pagination.next_cursor;
  }
}

const grantOf = (grants: Json[], principal: string, source: string, resource?: string) =>
  grants.find((g) => g.principal_id === principal && g.source === source && (resource === undefined || g.resource_id === resource));

beforeAll(async () => {
  server = await startTestServer();
  const org = await createOrganization(server, 'review-org');
  const space = await createSpace(server, org, 'review-space');
  h = { org, space, project: await createProject(server, space, 'review-project') };
  ada = await createUserWithKey(server, { email: 'ada@reviews.example', name: 'Ada' });
  member = await createUserWithKey(server, { email: 'member@reviews.example', role: 'MEMBER' });
  await addOrganizationMember(server, h.org, ada.id, 'MEMBER');
  await addSpaceMember(server, h.space, ada.id, 'MEMBER');
  const roles = await ok('GET', '/v2/roles?is_predefined=true');
  const readOnly = roles.roles.find((r: Json) => r.name === 'Read Only').id;
  await ok('POST', '/v2/role-bindings', { user_id: ada.id, role_id: readOnly, resource_type: 'PROJECT', resource_id: h.project }, 201);
  await ok('POST', '/v2/api-keys', { name: 'pipeline', key_type: 'SERVICE', organizations: [{ org_id: h.org, spaces: [{ space_id: h.space }] }] }, 201);
});
afterAll(async () => {
  await server?.close();
});

describe('POST /v2/access-reviews', () => {
  it('answers 201 with a signed review of every grant of every user and service key, with its provenance', async () => {
    const review = await ok('POST', '/v2/access-reviews', { name: 'Q1' }, 201);
    expect(review).toMatchObject({ name: 'Q1', status: 'open', decided_count: 0, kept_count: 0, revoked_count: 0 });
    expect(review.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(review.key_id).toMatch(/^[0-9a-f]{16}$/);
    const grants = await allGrants(review.id);
    expect(grants).toHaveLength(review.grant_count);
    expect(grantOf(grants, ada.id, 'ACCOUNT_ROLE')).toMatchObject({ principal_type: 'USER', principal_name: 'Ada', role_name: 'MEMBER', resource_type: 'ACCOUNT', provenance: 'MANUAL' });
    expect(grantOf(grants, ada.id, 'ORGANIZATION_MEMBERSHIP', h.org)).toMatchObject({ resource_name: 'review-org', role_name: 'MEMBER' });
    expect(grantOf(grants, ada.id, 'SPACE_MEMBERSHIP', h.space)).toMatchObject({ resource_name: 'review-space' });
    expect(grantOf(grants, ada.id, 'ROLE_BINDING', h.project)).toMatchObject({ resource_name: 'review-project', role_name: 'READ_ONLY', role_binding_id: expect.any(String) });
    expect(grants.find((g) => g.principal_type === 'SERVICE_KEY' && g.source === 'SPACE_MEMBERSHIP')).toMatchObject({ resource_id: h.space, role_name: 'MEMBER' });
    // By person, then outermost first: the account role, organization and space memberships, role bindings.
    const SOURCES = ['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'ROLE_BINDING'];
    const order = grants.filter((g) => g.principal_type === 'USER').map((g) => [dbId(g.principal_id), SOURCES.indexOf(g.source)] as const);
    expect(order).toEqual(order.toSorted((x, y) => x[0] - y[0] || x[1] - y[1]));
    expect(new Set(order.map(([, source]) => source)).size).toBe(4);
    expect(await ok('GET', `/v2/access-reviews/${enc(review.id)}`)).toEqual(review);
    expect((await ok('GET', '/v2/access-reviews')).access_reviews.map((r: Json) => r.id)).toContain(review.id);
    const verified = await ok('GET', `/v2/access-reviews/${enc(review.id)}/verify`);
    expect(verified).toMatchObject({ valid: true, signature_valid: true, digest: review.digest, grants_checked: review.grant_count, key_id: review.key_id });
  });

  it('is for account admins only: 403 for a MEMBER on every route', async () => {
    const review = await ok('POST', '/v2/access-reviews', { name: 'admins only' }, 201);
    const grant = (await allGrants(review.id))[0];
    for (const [method, path, body] of [
      ['POST', '/v2/access-reviews', { name: 'x' }], ['GET', '/v2/access-reviews'], ['GET', `/v2/access-reviews/${enc(review.id)}`],
      ['GET', `/v2/access-reviews/${enc(review.id)}/grants`], ['GET', `/v2/access-reviews/${enc(review.id)}/export`],
      ['GET', `/v2/access-reviews/${enc(review.id)}/diff?against=${enc(review.id)}`], ['GET', `/v2/access-reviews/${enc(review.id)}/verify`],
      ['PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(grant.id)}/decision`, { decision: 'keep' }], ['POST', `/v2/access-reviews/${enc(review.id)}/close`],
    ] as const) {
      const res = await server.api(method, path, { key: member.key, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it('fails verification after a frozen row is edited in the database, and holds again once it is put back', async () => {
    const review = await ok('POST', '/v2/access-reviews', { name: 'tamper' }, 201);
    const db = server.context!.store.db;
    const row = await db.selectFrom('access_review_grants').select(['id', 'role_name']).where('review_id', '=', dbId(review.id)).where('source', '=', 'ACCOUNT_ROLE')
      .where('user_id', '=', ada.dbId).executeTakeFirstOrThrow();
    await db.updateTable('access_review_grants').set({ role_name: 'ANNOTATOR' }).where('id', '=', row.id).execute();
    const broken = await ok('GET', `/v2/access-reviews/${enc(review.id)}/verify`);
    expect(broken).toMatchObject({ valid: false, signature_valid: true, recorded_digest: review.digest });
    expect(broken.digest).not.toBe(review.digest);
    expect(broken.reason).toMatch(/do not match the recorded digest/);
    await db.updateTable('access_review_grants').set({ role_name: row.role_name }).where('id', '=', row.id).execute();
    expect((await ok('GET', `/v2/access-reviews/${enc(review.id)}/verify`)).valid).toBe(true);
    await db.deleteFrom('access_review_grants').where('id', '=', row.id).execute();
    expect((await ok('GET', `/v2/access-reviews/${enc(review.id)}/verify`)).reason).toMatch(/recorded \d+ grants/);
    await db.updateTable('access_reviews').set({ signature: Buffer.alloc(64).toString('base64') }).where('id', '=', dbId(review.id)).execute();
    expect((await ok('GET', `/v2/access-reviews/${enc(review.id)}/verify`)).signature_valid).toBe(false);
  });
});

describe('what a review freezes', () => {
  it('a deactivated user as DEACTIVATED, an account role a sync wrote with its provider, no deleted user; sealed over the documented encoding of its rows', async () => {
    const [carol, dave, erin, frank] = await Promise.all(['carol', 'dave', 'erin', 'frank'].map((n) => createUserWithKey(server, { email: `${n}@frozen.example`, role: 'MEMBER' })));
    await ok('POST', `/v2/users/${enc(carol!.id)}/deactivate`, undefined, 204);
    await ok('DELETE', `/v2/users/${enc(dave!.id)}`, undefined, 204);
    const db = server.context!.store.db;
    await db.updateTable('users').set({ role_source: 'SSO:4242' }).where('id', '=', erin!.dbId).execute();
    await db.updateTable('users').set({ role_source: 'SCIM:77' }).where('id', '=', frank!.dbId).execute();
    const review = await ok('POST', '/v2/access-reviews', { name: 'freeze' }, 201);
    const grants = await allGrants(review.id);
    expect(grantOf(grants, carol!.id, 'ACCOUNT_ROLE')).toMatchObject({ principal_status: 'DEACTIVATED', role_name: 'MEMBER', provenance: 'MANUAL' });
    expect(grants.filter((g) => g.principal_id === dave!.id)).toEqual([]);
    const accountRole = (user: FixtureUser) => grantOf(grants, user.id, 'ACCOUNT_ROLE')!;
    expect(accountRole(erin!)).toMatchObject({ provenance: 'SSO', provenance_idp_id: expect.any(String) });
    expect(accountRole(frank!)).toMatchObject({ provenance: 'SCIM', provenance_idp_id: expect.any(String) });
    expect(accountRole(member)).not.toHaveProperty('provenance_idp_id');
    const frozen = await db.selectFrom('access_review_grants').selectAll().where('review_id', '=', dbId(review.id)).orderBy('id').execute();
    expect(frozen.filter((g) => g.source === 'ACCOUNT_ROLE').map((g) => [Number(g.user_id), g.provenance, g.provenance_idp_id === null ? null : Number(g.provenance_idp_id)]))
      .toEqual(expect.arrayContaining([[erin!.dbId, 'SSO', 4242], [frank!.dbId, 'SCIM', 77], [member.dbId, 'MANUAL', null]]));
    // The digest an outside verifier computes (docs/access-reviews.md) from the stored rows and the review's header.
    const header = await db.selectFrom('access_reviews').selectAll().where('id', '=', dbId(review.id)).executeTakeFirstOrThrow();
    const n = (v: number | null) => (v === null ? null : Number(v));
    const encoding = JSON.stringify(['ax-access-review-v1', n(header.account_id), n(header.id), header.name, header.created_at, n(header.created_by_user_id),
      frozen.map((g) => [n(g.id), g.principal_type, n(g.user_id), g.principal_name, g.principal_email, g.principal_status, g.source, g.resource_type,
        n(g.resource_id), g.resource_name, n(g.role_id), g.role_name, n(g.binding_id), g.provenance, n(g.provenance_idp_id), g.expires_at])]);
    expect(review.digest).toBe(createHash('sha256').update(encoding, 'utf8').digest('hex'));
    expect(review.grant_count).toBe(frozen.length);
  });
});

describe('GET /v2/access-reviews/{id}/diff', () => {
  it('equals the change made between two reviews', async () => {
    const bob = await createUserWithKey(server, { email: 'bob@reviews.example' });
    const before = await ok('POST', '/v2/access-reviews', { name: 'before' }, 201);
    // The change: Bob joins the organization and the space; Ada's project binding goes.
    await addOrganizationMember(server, h.org, bob.id, 'READ_ONLY');
    await addSpaceMember(server, h.space, bob.id, 'READ_ONLY');
    const binding = (await ok('GET', `/v2/role-bindings?resource_type=PROJECT&user_id=${enc(ada.id)}`)).role_bindings[0];
    await ok('DELETE', `/v2/role-bindings/${enc(binding.id)}`, undefined, 204);
    const after = await ok('POST', '/v2/access-reviews', { name: 'after' }, 201);
    const diff = await ok('GET', `/v2/access-reviews/${enc(after.id)}/diff?against=${enc(before.id)}`);
    expect(diff.review_id).toBe(after.id);
    expect(diff.against).toBe(before.id);
    const brief = (g: Json) => [g.principal_email, g.source, g.resource_name, g.role_name];
    expect(diff.added.map(brief).sort()).toEqual([
      ['bob@reviews.example', 'ORGANIZATION_MEMBERSHIP', 'review-org', 'READ_ONLY'], ['bob@reviews.example', 'SPACE_MEMBERSHIP', 'review-space', 'READ_ONLY'],
    ]);
    expect(diff.removed.map(brief)).toEqual([['ada@reviews.example', 'ROLE_BINDING', 'review-project', 'READ_ONLY']]);
    const back = await ok('GET', `/v2/access-reviews/${enc(before.id)}/diff?against=${enc(after.id)}`);
    expect(back.added.map(brief)).toEqual(diff.removed.map(brief));
    expect((await server.api('GET', `/v2/access-reviews/${enc(after.id)}/diff?against=${enc('QWNjZXNzUmV2aWV3Ojk5OTk=')}`)).status).toBe(404);
    expect((await server.api('GET', `/v2/access-reviews/${enc(after.id)}/diff`)).status).toBe(400);
  });
});

describe('PUT /v2/access-reviews/{id}/grants/{grant_id}/decision', () => {
  it('revokes a space membership through the normal service: access is gone, the decision recorded, the audit row names the review', async () => {
    const carol = await createUserWithKey(server, { email: 'carol@reviews.example' });
    await addOrganizationMember(server, h.org, carol.id, 'MEMBER');
    await addSpaceMember(server, h.space, carol.id, 'MEMBER');
    expect((await server.api('GET', `/v2/projects/${enc(h.project)}`, { key: carol.key })).status).toBe(200);
    const review = await ok('POST', '/v2/access-reviews', { name: 'revoke' }, 201);
    const grants = await allGrants(review.id, `&principal_id=${enc(carol.id)}`);
    expect(grants.map((g) => g.source)).toEqual(['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP']);
    const spaceGrant = grantOf(grants, carol.id, 'SPACE_MEMBERSHIP')!;

    const answer = await ok('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(spaceGrant.id)}/decision`, { decision: 'revoke', note: 'left the team' });
    expect(answer).toMatchObject({ outcome: 'revoked', removed: { organization_memberships: 0, space_memberships: 1, role_bindings: 0 } });
    expect(answer).not.toHaveProperty('warning');
    expect(answer.grant).toMatchObject({ decision: 'revoke', outcome: 'revoked', note: 'left the team', decided_by: expect.any(String) });
    const members = (await ok('GET', `/v2/spaces/${enc(h.space)}/users`)).memberships;
    expect(members.map((m: Json) => m.user_id)).not.toContain(carol.id);
    expect((await server.api('GET', `/v2/projects/${enc(h.project)}`, { key: carol.key })).status).toBe(404);

    const logs = (await ok('GET', '/v2/audit-logs?limit=5')).logs;
    const entry = logs.find((l: Json) => l.operation_name === 'PUT /v2/access-reviews/:review_id/grants/:grant_id/decision');
    expect(JSON.parse(entry.variables)).toMatchObject({ access_review_id: review.id, grant_id: spaceGrant.id, decision: 'revoke' });

    expect(await ok('GET', `/v2/access-reviews/${enc(review.id)}`)).toMatchObject({ decided_count: 1, revoked_count: 1 });
    expect((await allGrants(review.id, '&decision=revoke')).map((g) => g.id)).toEqual([spaceGrant.id]);
    expect(await allGrants(review.id, '&decision=undecided')).toHaveLength(review.grant_count - 1);
    // Revoking again answers what was done; keeping a revoked grant is a conflict.
    expect((await ok('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(spaceGrant.id)}/decision`, { decision: 'revoke' })).outcome).toBe('revoked');
    expect((await server.api('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(spaceGrant.id)}/decision`, { body: { decision: 'keep' } })).status).toBe(409);
  });

  it('revokes an organization membership with its cascade, an account role one step down, and records a grant already gone', async () => {
    const dan = await createUserWithKey(server, { email: 'dan@reviews.example', role: 'ADMIN' });
    await addOrganizationMember(server, h.org, dan.id, 'MEMBER');
    await addSpaceMember(server, h.space, dan.id, 'MEMBER');
    const review = await ok('POST', '/v2/access-reviews', { name: 'cascade' }, 201);
    const grants = await allGrants(review.id, `&principal_id=${enc(dan.id)}`);
    const decide = (g: Json, decision: string) => ok('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(g.id)}/decision`, { decision });

    expect(await decide(grantOf(grants, dan.id, 'ORGANIZATION_MEMBERSHIP')!, 'revoke')).toMatchObject({ outcome: 'revoked', removed: { organization_memberships: 1, space_memberships: 1 } });
    expect(await decide(grantOf(grants, dan.id, 'SPACE_MEMBERSHIP')!, 'revoke')).toMatchObject({ outcome: 'already_gone' });
    expect(await decide(grantOf(grants, dan.id, 'ACCOUNT_ROLE')!, 'revoke')).toMatchObject({ outcome: 'revoked', account_role: 'MEMBER' });
    expect((await ok('GET', `/v2/users/${enc(dan.id)}`)).role).toMatchObject({ name: 'MEMBER' });
    expect((await server.api('GET', '/v2/audit-logs', { key: dan.key })).status).toBe(403);
  });

  it('revokes a grant a directory wrote, warning that the next sync may give it back', async () => {
    const eve = await createUserWithKey(server, { email: 'eve@reviews.example' });
    await addOrganizationMember(server, h.org, eve.id, 'MEMBER');
    await addSpaceMember(server, h.space, eve.id, 'MEMBER');
    await server.context!.store.db.updateTable('space_memberships').set({ source: 'SCIM' }).where('user_id', '=', eve.dbId).execute();
    const review = await ok('POST', '/v2/access-reviews', { name: 'scim' }, 201);
    const grant = grantOf(await allGrants(review.id, `&principal_id=${enc(eve.id)}`), eve.id, 'SPACE_MEMBERSHIP')!;
    expect(grant.provenance).toBe('SCIM');
    const answer = await ok('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(grant.id)}/decision`, { decision: 'revoke' });
    expect(answer.outcome).toBe('revoked');
    expect(answer.warning).toMatch(/SCIM sync.*may give it back/);
  });

  it('keeps, closes, and then refuses any decision with 409', async () => {
    const review = await ok('POST', '/v2/access-reviews', { name: 'close' }, 201);
    const [first, second] = await allGrants(review.id);
    const put = (g: Json, decision: string) => server.api('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(g.id)}/decision`, { body: { decision } });
    const kept = await put(first, 'keep');
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ outcome: 'kept', grant: { decision: 'keep', outcome: 'kept' } });
    const closed = await ok('POST', `/v2/access-reviews/${enc(review.id)}/close`);
    expect(closed).toMatchObject({ status: 'closed', closed_at: expect.any(String), kept_count: 1, decided_count: 1 });
    expect((await put(second, 'keep')).status).toBe(409);
    expect((await put(first, 'revoke')).status).toBe(409);
    expect((await server.api('POST', `/v2/access-reviews/${enc(review.id)}/close`)).status).toBe(409);
    expect((await server.api('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(first.id)}/decision`, { body: { decision: 'maybe' } })).status).toBe(400);
  });
});

describe('GET /v2/access-reviews/{id}/export', () => {
  it('answers CSV for auditors, one row per grant with its decision and decider, and JSON on Accept: application/json', async () => {
    const review = await ok('POST', '/v2/access-reviews', { name: 'export' }, 201);
    const grant = grantOf(await allGrants(review.id), ada.id, 'ACCOUNT_ROLE')!;
    await ok('PUT', `/v2/access-reviews/${enc(review.id)}/grants/${enc(grant.id)}/decision`, { decision: 'keep', note: 'needs it, "on call"' });
    const res = await fetch(`${server.url}/v2/access-reviews/${enc(review.id)}/export`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(review.grant_count + 1);
    expect(lines[0]).toMatch(/^id,principal_type,principal_id,.*decision,decided_by,decided_by_email,decided_at,note,outcome$/);
    const row = lines.find((l) => l.startsWith(`${grant.id},`))!;
    expect(row).toContain(',keep,');
    expect(row).toContain('"needs it, ""on call"""');
    expect(row).toMatch(/,admin@[^,]+,/);
    const json = await server.api('GET', `/v2/access-reviews/${enc(review.id)}/export`, { headers: { accept: 'application/json' } });
    expect(json.body.review.id).toBe(review.id);
    expect(json.body.grants).toHaveLength(review.grant_count);
    expect(json.body.grants.find((g: Json) => g.id === grant.id)).toMatchObject({ decision: 'keep', decided_by_email: expect.stringContaining('@') });
  });
});
