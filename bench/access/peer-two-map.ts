import type { WorldInput } from '../../src/access/index.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { boundPermissions } from './bound-permissions.js';
import type { Query } from './queries.js';

/**
 * B1 peer (a), the ceiling: the least a decision over the same role bindings can do. User → (resource key →
 * permission bits), two Map lookups for a space and three for a project (itself, then its space's key); no
 * organizations, account roles, memberships, restrictions or inactive users.
 */
export class TwoMapIndex {
  private readonly index = new Map<string, number>(PERMISSIONS.map((p, i) => [p, i]));
  private readonly byUser = new Map<number, Map<number, Uint32Array>>();
  private readonly spaceOf: Int32Array;

  constructor(world: WorldInput) {
    const roleBits = new Map(world.roles.map((r) => {
      const bits = new Uint32Array(5);
      for (const p of boundPermissions(r)) {
        const i = this.index.get(p)!;
        bits[i >>> 5]! |= 1 << (i & 31);
      }
      return [r.id, bits];
    }));
    this.spaceOf = new Int32Array(Math.max(0, ...world.projects.map((p) => p.id)) + 1);
    for (const p of world.projects) this.spaceOf[p.id] = p.spaceId;
    for (const b of world.roleBindings) {
      let cells = this.byUser.get(b.userId);
      if (!cells) this.byUser.set(b.userId, (cells = new Map()));
      const key = b.resourceType === 'SPACE' ? b.resourceId : -b.resourceId;
      const bits = cells.get(key) ?? new Uint32Array(5);
      const role = roleBits.get(b.roleId)!;
      for (let w = 0; w < 5; w++) bits[w]! |= role[w]!;
      cells.set(key, bits);
    }
  }

  check(q: Query): boolean {
    const cells = this.byUser.get(q.userId);
    if (cells === undefined) return false;
    const i = this.index.get(q.permission)!;
    const word = i >>> 5;
    const mask = 1 << (i & 31);
    const r = q.resource;
    if (r.type === 'PROJECT') {
      const own = cells.get(-r.id);
      if (own !== undefined && (own[word]! & mask) !== 0) return true;
      const space = cells.get(this.spaceOf[r.id]!);
      return space !== undefined && (space[word]! & mask) !== 0;
    }
    if (r.type !== 'SPACE') return false;
    const bits = cells.get(r.id);
    return bits !== undefined && (bits[word]! & mask) !== 0;
  }
}
