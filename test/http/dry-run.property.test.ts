import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessSnapshot } from '../../src/access/index.js';
import { encodeId } from '../../src/domain/ids.js';
import { loadWorld } from '../../src/services/access-loader.js';
import { expectedPrincipals, unnamed } from '../helpers/access-preview.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { propertyRuns } from '../helpers/property-runs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tableRows } from '../helpers/table-rows.js';

/**
 * Issue 17 §1, as a property over random changes on a world they keep changing, through real HTTP: the dry run of a
 * change writes nothing, answers as the change then does (the same refusal, or 200), and its `principals` equal the
 * difference of the access snapshots before and after the real change.
 */
let server: TestServer;
const db = () => server.context!.store.db;
const world = { orgs: [] as string[], spaces: [] as string[], projects: [] as string[], users: [] as string[], roles: [] as string[] };
const ROLES = ['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'] as const;
const PERMISSION_SETS = [['PROJECT_READ'], ['PROJECT_READ', 'PROJECT_SPAN_READ'], ['SPACE_READ', 'PROJECT_READ', 'ROLE_BINDING_READ']];

beforeAll(async () => {
  server = await startTestServer();
  for (const o of ['a', 'b']) {
    const org = await createOrganization(server, `prop-dry-${o}`);
    world.orgs.push(org);
    for (const s of ['1', '2']) {
      const space = await createSpace(server, org, `prop-dry-${o}${s}`, { isPrivate: s === '2' });
      world.spaces.push(space);
      world.projects.push(await createProject(server, space, `prop-dry-${o}${s}-p`));
    }
  }
  for (const n of [1, 2, 3]) world.users.push((await createUserWithKey(server, { email: `prop-dry-${n}@example.com` })).id);
  for (const role of ROLES) {
    const row = await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', role).executeTakeFirstOrThrow();
    world.roles.push(encodeId('Role', row.id));
  }
  const custom = await server.api('POST', '/v2/roles', { body: { name: 'prop-dry-custom', permissions: PERMISSION_SETS[0] } });
  world.roles.push(custom.body.id);
});
afterAll(async () => {
  await server?.close();
});

interface Change { method: string; path: string; body?: unknown }
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
const roleRef = (i: number) => (i % 5 === 4 ? { type: 'CUSTOM', id: world.roles[4] } : { type: 'PREDEFINED', name: pick(ROLES, i) });

/** The account's bindings now, so that an update or a delete names one that exists (or a deleted one). */
async function bindingIds(): Promise<string[]> {
  const rows = await db().selectFrom('role_bindings').select('id').where('account_id', '=', 1).orderBy('id').execute();
  return rows.map((r) => encodeId('RoleBinding', r.id));
}

const change = fc.oneof(
  fc.record({ kind: fc.constant('bind'), user: fc.nat(), role: fc.nat(), onSpace: fc.boolean(), at: fc.nat() }),
  fc.record({ kind: fc.constant('rebind'), binding: fc.nat(), role: fc.nat() }),
  fc.record({ kind: fc.constant('unbind'), binding: fc.nat() }),
  fc.record({ kind: fc.constant('join-org'), user: fc.nat(), at: fc.nat(), role: fc.nat() }),
  fc.record({ kind: fc.constant('leave-org'), user: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('join-space'), user: fc.nat(), at: fc.nat(), role: fc.nat() }),
  fc.record({ kind: fc.constant('leave-space'), user: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('restrict'), at: fc.nat() }),
  fc.record({ kind: fc.constant('unrestrict'), at: fc.nat() }),
  fc.record({ kind: fc.constant('edit-role'), set: fc.nat() }),
);
type ChangeSpec = typeof change extends fc.Arbitrary<infer T> ? T : never;

async function request(spec: ChangeSpec): Promise<Change> {
  switch (spec.kind) {
    case 'bind': {
      const onSpace = spec.onSpace;
      return { method: 'POST', path: '/v2/role-bindings', body: {
        user_id: pick(world.users, spec.user), role_id: pick(world.roles, spec.role),
        resource_type: onSpace ? 'SPACE' : 'PROJECT', resource_id: pick(onSpace ? world.spaces : world.projects, spec.at),
      } };
    }
    case 'rebind': {
      const ids = await bindingIds();
      return { method: 'PATCH', path: `/v2/role-bindings/${enc(ids.length === 0 ? encodeId('RoleBinding', 999) : pick(ids, spec.binding))}`, body: { role_id: pick(world.roles, spec.role) } };
    }
    case 'unbind': {
      const ids = await bindingIds();
      return { method: 'DELETE', path: `/v2/role-bindings/${enc(ids.length === 0 ? encodeId('RoleBinding', 999) : pick(ids, spec.binding))}` };
    }
    case 'join-org': return { method: 'POST', path: `/v2/organizations/${enc(pick(world.orgs, spec.at))}/users`, body: { user_id: pick(world.users, spec.user), role: roleRef(spec.role) } };
    case 'leave-org': return { method: 'DELETE', path: `/v2/organizations/${enc(pick(world.orgs, spec.at))}/users/${enc(pick(world.users, spec.user))}` };
    case 'join-space': return { method: 'POST', path: `/v2/spaces/${enc(pick(world.spaces, spec.at))}/users`, body: { user_id: pick(world.users, spec.user), role: roleRef(spec.role) } };
    case 'leave-space': return { method: 'DELETE', path: `/v2/spaces/${enc(pick(world.spaces, spec.at))}/users/${enc(pick(world.users, spec.user))}` };
    case 'restrict': return { method: 'POST', path: '/v2/resource-restrictions', body: { resource_id: pick(world.projects, spec.at) } };
    case 'unrestrict': return { method: 'DELETE', path: `/v2/resource-restrictions/${enc(pick(world.projects, spec.at))}` };
    case 'edit-role': return { method: 'PATCH', path: `/v2/roles/${enc(world.roles[4]!)}`, body: { permissions: pick(PERMISSION_SETS, spec.set) } };
  }
}

const snapshot = async () => AccessSnapshot.build(await loadWorld(db(), 1));
const TABLES = ['organization_memberships', 'space_memberships', 'role_bindings', 'resource_restrictions', 'roles', 'audit_logs', 'accounts'] as const;
const rows = () => tableRows(db(), TABLES);

describe('dry runs, as a property', () => {
  it('over random changes on a changing world: the dry run writes nothing and equals the real change\'s snapshot difference', async () => {
    let previewed = 0;
    await fc.assert(fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 4 }), async (specs) => {
      for (const spec of specs) {
        const { method, path, body } = await request(spec);
        const options = body === undefined ? {} : { body };
        const stored = await rows();
        const before = await snapshot();
        const dry = await server.api(method, `${path}?dry_run=true`, options);
        expect(await rows(), `${method} ${path}: the dry run wrote something`).toBe(stored);
        const real = await server.api(method, path, options);
        if (dry.status !== 200) {
          expect(real.status, `${method} ${path}: ${JSON.stringify(dry.body)}`).toBe(dry.status);
          continue;
        }
        expect(real.status, `${method} ${path}: ${JSON.stringify(real.body)}`).toBeLessThan(300);
        expect(unnamed(dry.body.principals), `${method} ${path} ${JSON.stringify(body)}`).toEqual(expectedPrincipals(before, await snapshot()));
        if (dry.body.principals.length > 0) previewed++;
      }
    }), propertyRuns(12));
    // The runs are not all refusals or no-ops.
    expect(previewed).toBeGreaterThan(5);
  });
});
