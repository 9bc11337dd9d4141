import type { ResourceRef, WorldInput } from '../../src/access/index.js';
import { PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { prng } from '../lib/seed-world.js';

export interface Query {
  userId: number;
  permission: Permission;
  resource: ResourceRef;
}

const MANAGEMENT: Permission[] = ['PROJECT_READ', 'PROJECT_RESTRICT', 'ROLE_BINDING_CREATE', 'ROLE_BINDING_READ', 'ROLE_BINDING_DELETE'];

/**
 * B1's query mix, deterministic: 40 % a project under one of the user's own bindings (inherited from a SPACE
 * binding or direct), 10 % a restricted project in a space the user belongs to (data and management
 * permissions), 15 % a space, 10 % an organization, 10 % a bot principal (a service key's ceiling), 5 % the
 * account, 10 % a random user on a random project (mostly denied).
 */
export function mixedQueries(world: WorldInput, count = 4096, seed = 7): Query[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const any = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const restricted = world.projects.filter((p) => p.restricted);
  const bots = world.users.filter((u) => u.isBot);
  const memberOf = new Map(world.spaceMemberships.map((m) => [m.userId, m.spaceId]));
  const projectsOfSpace = new Map<number, number[]>();
  for (const p of world.projects) projectsOfSpace.set(p.spaceId, [...(projectsOfSpace.get(p.spaceId) ?? []), p.id]);
  const data = PREDEFINED_ROLES.MEMBER.permissions;

  const out: Query[] = [];
  while (out.length < count) {
    const r = random();
    if (r < 0.4) {
      const b = any(world.roleBindings);
      const projectId = b.resourceType === 'PROJECT' ? b.resourceId : any(projectsOfSpace.get(b.resourceId)!);
      out.push({ userId: b.userId, permission: any(data), resource: { type: 'PROJECT', id: projectId } });
    } else if (r < 0.5) {
      const p = any(restricted);
      const member = world.spaceMemberships.find((m) => m.spaceId === p.spaceId);
      const userId = member?.userId ?? any(world.users).id;
      out.push({ userId, permission: random() < 0.5 ? any(MANAGEMENT) : any(data), resource: { type: 'PROJECT', id: p.id } });
    } else if (r < 0.65) {
      const u = any(world.users);
      const spaceId = random() < 0.5 ? memberOf.get(u.id)! : any(world.spaces).id;
      out.push({ userId: u.id, permission: any(PERMISSIONS), resource: { type: 'SPACE', id: spaceId } });
    } else if (r < 0.75) {
      out.push({ userId: any(world.users).id, permission: any(['ORGANIZATION_READ', 'SPACE_CREATE', 'ORGANIZATION_UPDATE'] as const), resource: { type: 'ORGANIZATION', id: any(world.organizations).id } });
    } else if (r < 0.85) {
      const bot = any(bots);
      const spaceId = memberOf.get(bot.id)!;
      out.push({ userId: bot.id, permission: any(['SERVICE_KEY_CREATE', 'PROJECT_SPAN_CREATE', 'DATASET_READ'] as const), resource: { type: 'PROJECT', id: any(projectsOfSpace.get(spaceId)!) } });
    } else if (r < 0.9) {
      out.push({ userId: any(world.users).id, permission: any(['USER_READ', 'USER_CREATE', 'ORGANIZATION_CREATE'] as const), resource: { type: 'ACCOUNT' } });
    } else {
      out.push({ userId: any(world.users).id, permission: any(PERMISSIONS), resource: { type: 'PROJECT', id: any(world.projects).id } });
    }
  }
  return out;
}
