import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { ApiError } from '../../src/domain/errors.js';
import { completeSsoLogin } from '../../src/services/sso/complete-login.js';
import { createOrganization, createProject, createSpace } from '../helpers/hierarchy.js';
import { propertyRuns } from '../helpers/property-runs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider, type StoredRule } from '../helpers/sso-provider-rows.js';

/**
 * The sync's properties (issue 10) on a real database, through the login completion: random mappings, group changes
 * and manual grants. A second login with the same groups writes nothing; an admin's grants survive every sync; and
 * leaving a group leaves the user exactly where a user that never was in it ends up (a twin with the same start).
 */

let server: TestServer;
const db = () => server.context!.store.db;
const dbId = (id: string) => parseId(id)!.n;
const GROUPS = ['g1', 'g2', 'g3'];
const builtIn: Record<string, number> = {};
const world = { orgs: [] as number[], spaces: [] as { id: number; org: number }[], projects: [] as number[], custom: [] as number[] };
let run = 0;

beforeAll(async () => {
  server = await startTestServer();
  const roles = await server.api('GET', '/v2/roles?is_predefined=true');
  for (const r of roles.body.roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = dbId(r.id);
  for (const o of ['o1', 'o2']) {
    const org = await createOrganization(server, `prop-${o}`);
    world.orgs.push(dbId(org));
    for (const s of ['a', 'b']) {
      const space = await createSpace(server, org, `prop-${o}-${s}`);
      world.spaces.push({ id: dbId(space), org: dbId(org) });
      if (s === 'a') world.projects.push(dbId(await createProject(server, space, `prop-${o}-p`)));
    }
  }
  for (const name of ['prop-c1', 'prop-c2']) {
    world.custom.push(dbId((await server.api('POST', '/v2/roles', { body: { name, permissions: ['PROJECT_READ'] } })).body.id));
  }
});
afterAll(async () => {
  await server?.close();
});

const predefinedRole = fc.constantFrom(...PREDEFINED_ROLE_KEYS).map((k) => builtIn[k]!);
const anyRole = fc.oneof(predefinedRole, fc.nat({ max: 1 }).map((i) => world.custom[i]!));

const ruleArb: fc.Arbitrary<StoredRule> = fc.record({
  attributes: fc.oneof(fc.constant({}), fc.constantFrom(...GROUPS).map((g) => ({ group: g }))),
  isAccountAdmin: fc.boolean(),
  orgRole: fc.option(fc.record({ org_id: fc.nat({ max: 1 }).map((i) => world.orgs[i]!), role_id: predefinedRole }), { nil: undefined }),
  spaceRoles: fc.array(fc.record({ space_id: fc.nat({ max: 3 }).map((i) => world.spaces[i]!.id), role_id: anyRole }), { maxLength: 2 }),
  projectRoles: fc.array(fc.record({ project_id: fc.nat({ max: 1 }).map((i) => world.projects[i]!), role_id: fc.nat({ max: 1 }).map((i) => world.custom[i]!) }), { maxLength: 1 }),
});

type Manual = { kind: 'ORG' | 'SPACE' | 'SPACE_BINDING' | 'PROJECT_BINDING'; pick: number; role: number };
const manualArb: fc.Arbitrary<Manual[]> = fc.array(fc.record({
  kind: fc.constantFrom<Manual['kind']>('ORG', 'SPACE', 'SPACE_BINDING', 'PROJECT_BINDING'), pick: fc.nat({ max: 3 }), role: fc.nat({ max: 5 }),
}), { maxLength: 3 });

/** A user of account 1 with the admin's grants `manual` (an organization membership under every space membership). */
async function userWith(email: string, manual: Manual[]): Promise<number> {
  const now = new Date().toISOString();
  const { id } = await db().insertInto('users').values({
    account_id: 1, name: email, email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: 0, password_hash: null,
    must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  const roles = [...PREDEFINED_ROLE_KEYS.map((k) => builtIn[k]!), ...world.custom];
  const base = { account_id: 1, user_id: id, created_at: now, updated_at: now };
  const orgs = new Set<number>();
  const joinOrg = async (org: number, role: number) => {
    if (orgs.has(org)) return;
    orgs.add(org);
    await db().insertInto('organization_memberships').values({ ...base, organization_id: org, role_id: role }).execute();
  };
  const taken = new Set<string>();
  for (const m of manual) {
    const space = world.spaces[m.pick]!;
    const project = world.projects[m.pick % world.projects.length]!;
    const key = `${m.kind}:${m.kind === 'ORG' ? space.org : m.kind === 'PROJECT_BINDING' ? project : space.id}`;
    if (taken.has(key)) continue;
    taken.add(key);
    const predefined = builtIn[PREDEFINED_ROLE_KEYS[m.role % 4]!]!;
    if (m.kind === 'ORG') await joinOrg(space.org, predefined);
    if (m.kind === 'SPACE') {
      await joinOrg(space.org, builtIn.READ_ONLY!);
      await db().insertInto('space_memberships').values({ ...base, space_id: space.id, role_id: predefined }).execute();
    }
    if (m.kind === 'SPACE_BINDING') {
      await db().insertInto('role_bindings').values({ ...base, role_id: roles[m.role]!, resource_type: 'SPACE', space_id: space.id, project_id: null }).execute();
    }
    if (m.kind === 'PROJECT_BINDING') {
      await db().insertInto('role_bindings').values({ ...base, role_id: roles[m.role]!, resource_type: 'PROJECT', space_id: null, project_id: project }).execute();
    }
  }
  await server.context!.changes.publish({ accountId: 1 });
  return id;
}

/** Signs in through the provider; a login refused because nothing is left to give still commits its sync. */
async function login(idpId: number, email: string, groups: readonly string[]): Promise<void> {
  try {
    await completeSsoLogin(server.context!, {
      protocol: 'SAML', idpId, accountId: 1, subject: email, email, attributes: { group: [...groups] }, issuer: 'https://idp.example.test',
    }, { ip: '127.0.0.1', operation: 'property' });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'SSO_NO_MATCHING_ROLE')) throw error;
  }
}

/** Every grant row of the user (with its row id when `withIds`), and the account role. */
async function grantsOf(userId: number, options: { withIds?: boolean; only?: 'MANUAL' } = {}): Promise<string[]> {
  const row = (kind: string, r: { id: number; role_id: number; source: string }, resource: number | null) =>
    `${kind}:${resource}:${r.role_id}:${r.source}${options.withIds ? `#${r.id}` : ''}`;
  const keep = (r: { source: string }) => options.only === undefined || r.source === options.only;
  const orgs = await db().selectFrom('organization_memberships').selectAll().where('user_id', '=', userId).execute();
  const spaces = await db().selectFrom('space_memberships').selectAll().where('user_id', '=', userId).execute();
  const bindings = await db().selectFrom('role_bindings').selectAll().where('user_id', '=', userId).execute();
  const user = await db().selectFrom('users').select(['role', 'role_source']).where('id', '=', userId).executeTakeFirstOrThrow();
  return [
    ...orgs.filter(keep).map((r) => row('ORG', r, r.organization_id)),
    ...spaces.filter(keep).map((r) => row('SPACE', r, r.space_id)),
    ...bindings.filter(keep).map((r) => row(r.resource_type, r, r.space_id ?? r.project_id)),
    ...(options.only ? [] : [`ACCOUNT:${user.role}:${user.role_source === null ? 'MANUAL' : 'SSO'}`]),
  ].sort();
}

describe('syncs on a real database (property)', () => {
  it('a repeated login writes nothing, manual grants survive, and leaving a group removes exactly what it gave', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(ruleArb, { minLength: 1, maxLength: 4 }), fc.subarray(GROUPS), fc.subarray(GROUPS), fc.constantFrom(...GROUPS), manualArb,
      async (rules, before, groups, leaving, manual) => {
        const n = ++run;
        const domain = `prop${n}.example.test`;
        const idp = await insertProvider(server, domain, rules);
        const [a, b] = [`a@${domain}`, `b@${domain}`];
        const [userA, userB] = [await userWith(a, manual), await userWith(b, manual)];
        const manualRows = await grantsOf(userA, { only: 'MANUAL' });
        await login(idp, a, before);
        await login(idp, b, before);

        const withGroup = [...new Set([...groups, leaving])];
        const without = withGroup.filter((g) => g !== leaving);
        await login(idp, a, withGroup);
        await login(idp, a, without);
        await login(idp, b, without);
        expect(await grantsOf(userA)).toEqual(await grantsOf(userB));
        expect(await grantsOf(userA, { only: 'MANUAL' })).toEqual(manualRows);

        const rows = await grantsOf(userB, { withIds: true });
        const syncs = await db().selectFrom('audit_logs').select('id').where('user_id', '=', userB).where('operation_name', 'like', 'SSO_SYNC%').execute();
        await login(idp, b, without);
        expect(await grantsOf(userB, { withIds: true })).toEqual(rows);
        expect(await db().selectFrom('audit_logs').select('id').where('user_id', '=', userB).where('operation_name', 'like', 'SSO_SYNC%').execute())
          .toHaveLength(syncs.length);
      },
    ), propertyRuns(6));
  });
});
