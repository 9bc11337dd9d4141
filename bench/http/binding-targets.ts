import type { WorldInput } from '../../src/access/index.js';
import { encodeId } from '../../src/domain/ids.js';

/**
 * (user, space) pairs that have no role binding yet, each handed out once: a binding is unique per (user,
 * resource), and a write benchmark must never be answered 409. Walks the given spaces, and for each the given
 * users, skipping the world's SPACE bindings.
 */
export class BindingTargets {
  readonly #taken: Set<string>;
  readonly #pairs: Generator<{ userId: number; spaceId: number }>;

  constructor(world: WorldInput, private readonly spaceIds: readonly number[], private readonly userIds: readonly number[]) {
    this.#taken = new Set(world.roleBindings.filter((b) => b.resourceType === 'SPACE').map((b) => `${b.userId}:${b.resourceId}`));
    this.#pairs = this.#walk();
  }

  next(): { userId: number; spaceId: number } {
    const pair = this.#pairs.next();
    if (pair.done) throw new Error('ran out of unbound (user, space) pairs');
    return pair.value;
  }

  *#walk(): Generator<{ userId: number; spaceId: number }> {
    for (const spaceId of this.spaceIds) {
      for (const userId of this.userIds) if (!this.#taken.has(`${userId}:${spaceId}`)) yield { userId, spaceId };
    }
  }
}

/** The JSON body of POST /v2/role-bindings binding `roleId` to the user on the space. */
export function bindingBody(userId: number, roleId: number, spaceId: number): string {
  return JSON.stringify({ user_id: encodeId('User', userId), role_id: encodeId('Role', roleId), resource_type: 'SPACE', resource_id: encodeId('Space', spaceId) });
}
