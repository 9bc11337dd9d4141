import type { WorldInput } from '../../src/access/index.js';
import type { Query } from './queries.js';

/**
 * The part of B1's query set that the peers answer too. The peers hold role bindings only (a SPACE binding
 * covering the space's projects, a PROJECT binding its project), so `check()` must give their answer exactly
 * where nothing but bindings decides: a SPACE or PROJECT query of an active user whose account role is not
 * ADMIN, with no organization membership on the resource's organization and no space membership on its space
 * (memberships and the account role are grant sources the peers do not hold), on a project that is not
 * restricted (a restriction cuts the SPACE bindings the peers still apply). Bot users stay in: `check()` treats
 * a service key's bot user like any user (its key's ceiling is enforced when the key is created, not here).
 * Derived from the world, not from the snapshot, so that the subset does not lean on the code it checks.
 *
 * Returns the indexes of those queries in `queries`.
 */
export function bindingsOnlyQueries(world: WorldInput, queries: readonly Query[]): number[] {
  const users = new Map(world.users.map((u) => [u.id, u]));
  const projects = new Map(world.projects.map((p) => [p.id, p]));
  const organizationOf = new Map(world.spaces.map((sp) => [sp.id, sp.organizationId]));
  const organizationMember = new Set(world.organizationMemberships.map((m) => `${m.userId}:${m.organizationId}`));
  const spaceMember = new Set(world.spaceMemberships.map((m) => `${m.userId}:${m.spaceId}`));
  const out: number[] = [];
  queries.forEach((q, i) => {
    const user = users.get(q.userId);
    if (user === undefined || !user.active || user.role === 'ADMIN') return;
    const r = q.resource;
    let spaceId: number;
    if (r.type === 'SPACE') {
      spaceId = r.id;
    } else if (r.type === 'PROJECT') {
      const project = projects.get(r.id);
      if (project === undefined || project.restricted) return;
      spaceId = project.spaceId;
    } else {
      return;
    }
    const organizationId = organizationOf.get(spaceId);
    if (organizationId === undefined) return;
    if (organizationMember.has(`${q.userId}:${organizationId}`) || spaceMember.has(`${q.userId}:${spaceId}`)) return;
    out.push(i);
  });
  return out;
}

/** How a peer's answers compare with the subject's on a subset of the queries. */
export interface Agreement {
  compared: number;
  allowed: number;
  disagreements: number;
  /** The first query index where they differ, for the row's text. */
  firstDisagreement: number | undefined;
}

/** Asks both sides each query of `subset` (indexes into the query set) and counts where they differ. */
export function agreement(
  subset: readonly number[], subject: (i: number) => boolean, peer: (i: number) => boolean,
): Agreement {
  let allowed = 0;
  let disagreements = 0;
  let firstDisagreement: number | undefined;
  for (const i of subset) {
    const expected = subject(i);
    if (expected) allowed++;
    if (peer(i) !== expected) {
      disagreements++;
      firstDisagreement ??= i;
    }
  }
  return { compared: subset.length, allowed, disagreements, firstDisagreement };
}
