import { Helper, newEnforcer, newModelFromString, type Adapter, type Enforcer, type Model } from 'casbin';
import type { Kysely } from 'kysely';
import type { WorldInput } from '../../src/access/index.js';
import { isPermission, type Permission } from '../../src/domain/permissions.js';
import type { Database } from '../../src/store/schema.js';
import { boundPermissions } from './bound-permissions.js';
import type { Query } from './queries.js';

/**
 * B1 peer (b) and B3 peer: node-casbin with an RBAC-with-domains model. A role binding is a `g` row
 * (user, role, domain) whose domain is the space or project; a role's permission is a `p` row (role,
 * permission). A request names the resource's domain and its parent space's domain, so a SPACE binding
 * covers the space's projects. The cheap `r.act == p.act` test comes first to spare casbin the role lookups.
 * No organizations, account roles, memberships, restrictions or inactive users: less work than the subject.
 */
const MODEL = `
[request_definition]
r = sub, dom, pdom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && (g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, r.pdom))
`;

/** Feeds policy lines the way casbin's SQL adapters do: one `Helper.loadPolicyLine` per row. */
class LinesAdapter implements Adapter {
  constructor(private readonly lines: () => Promise<string[]>) {}

  async loadPolicy(model: Model): Promise<void> {
    for (const line of await this.lines()) Helper.loadPolicyLine(line, model);
  }

  async savePolicy(): Promise<boolean> {
    return true;
  }

  async addPolicy(): Promise<void> {}
  async removePolicy(): Promise<void> {}
  async removeFilteredPolicy(): Promise<void> {}
}

type RoleRow = { id: number; predefinedKey: WorldInput['roles'][number]['predefinedKey']; permissions: readonly Permission[] };
type BindingRow = { userId: number; roleId: number; resourceType: 'SPACE' | 'PROJECT'; resourceId: number };

function policyLines(roles: RoleRow[], bindings: BindingRow[]): string[] {
  const lines: string[] = [];
  for (const r of roles) {
    for (const p of boundPermissions(r)) lines.push(`p, r${r.id}, ${p}`);
  }
  for (const b of bindings) lines.push(`g, u${b.userId}, r${b.roleId}, ${b.resourceType === 'SPACE' ? 's' : 'p'}${b.resourceId}`);
  return lines;
}

/** An enforcer over a world held in memory (B1). */
export function casbinFromWorld(world: WorldInput): Promise<Enforcer> {
  return newEnforcer(newModelFromString(MODEL), new LinesAdapter(async () => policyLines(world.roles, world.roleBindings)));
}

/** An enforcer loaded from the database's roles and role bindings (B3: what a casbin SQL adapter does). */
export function casbinFromDatabase(db: Kysely<Database>, accountId: number): Promise<Enforcer> {
  return newEnforcer(newModelFromString(MODEL), new LinesAdapter(async () => {
    const roles = await db.selectFrom('roles').select(['id', 'predefined_key', 'permissions']).where('account_id', '=', accountId).execute();
    const bindings = await db.selectFrom('role_bindings').select(['user_id', 'role_id', 'resource_type', 'space_id', 'project_id'])
      .where('account_id', '=', accountId).execute();
    return policyLines(
      roles.map((r) => ({
        id: r.id, predefinedKey: r.predefined_key,
        permissions: (JSON.parse(r.permissions ?? '[]') as string[]).filter(isPermission),
      })),
      bindings.map((b) => ({ userId: b.user_id, roleId: b.role_id, resourceType: b.resource_type, resourceId: (b.space_id ?? b.project_id)! })),
    );
  }));
}

/** A query as casbin's request values: subject, domain, parent domain, action. */
export function casbinRequest(world: { spaceOf(projectId: number): number | undefined }, q: Query): [string, string, string, string] {
  const r = q.resource;
  const dom = r.type === 'ACCOUNT' ? 'a' : r.type === 'ORGANIZATION' ? `o${r.id}` : r.type === 'SPACE' ? `s${r.id}` : `p${r.id}`;
  const pdom = r.type === 'PROJECT' ? `s${world.spaceOf(r.id)}` : '-';
  return [`u${q.userId}`, dom, pdom, q.permission];
}
