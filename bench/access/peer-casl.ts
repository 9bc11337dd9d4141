import { createMongoAbility, subject, type MongoAbility } from '@casl/ability';
import type { WorldInput } from '../../src/access/index.js';
import type { Permission } from '../../src/domain/permissions.js';
import { boundPermissions } from './bound-permissions.js';
import type { Query } from './queries.js';

/**
 * B1 peer (c): CASL, one prebuilt ability per user (built before timing) from the same role bindings. A SPACE
 * binding is two rules (the space by id, its projects by spaceId), a PROJECT binding one rule (the project by
 * id), each carrying the role's permissions as its actions. Same simplifications as the other peers.
 */
export class CaslAbilities {
  private readonly abilities = new Map<number, MongoAbility>();
  private readonly subjects: object[];

  constructor(world: WorldInput, queries: Query[]) {
    const permissionsOf = new Map(world.roles.map((r) => [r.id, boundPermissions(r)]));
    const rulesOf = new Map<number, { action: Permission[]; subject: string; conditions: Record<string, number> }[]>();
    for (const b of world.roleBindings) {
      const action = [...permissionsOf.get(b.roleId)!];
      const rules = rulesOf.get(b.userId) ?? [];
      if (b.resourceType === 'SPACE') {
        rules.push({ action, subject: 'Space', conditions: { id: b.resourceId } }, { action, subject: 'Project', conditions: { spaceId: b.resourceId } });
      } else {
        rules.push({ action, subject: 'Project', conditions: { id: b.resourceId } });
      }
      rulesOf.set(b.userId, rules);
    }
    for (const q of queries) {
      if (!this.abilities.has(q.userId)) this.abilities.set(q.userId, createMongoAbility(rulesOf.get(q.userId) ?? []));
    }
    const spaceOf = new Map(world.projects.map((p) => [p.id, p.spaceId]));
    this.subjects = queries.map((q) => {
      const r = q.resource;
      if (r.type === 'PROJECT') return subject('Project', { id: r.id, spaceId: spaceOf.get(r.id) });
      if (r.type === 'SPACE') return subject('Space', { id: r.id });
      return subject(r.type === 'ACCOUNT' ? 'Account' : 'Organization', { id: 'id' in r ? r.id : 0 });
    });
  }

  /** The i-th query (its subject object was prepared with the ability). */
  can(q: Query, i: number): boolean {
    return this.abilities.get(q.userId)!.can(q.permission, this.subjects[i] as never);
  }
}
