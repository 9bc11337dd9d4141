import type { AccessSnapshot } from './snapshot.js';

/**
 * A resource of the hierarchy account ⊃ organization ⊃ space ⊃ project, on which permissions are granted.
 * The account is the snapshot's own account, so it carries no id.
 *
 * @example
 * const target: ResourceRef = { type: 'PROJECT', id: 7 };
 */
export type ResourceRef =
  | { type: 'ACCOUNT' }
  | { type: 'ORGANIZATION'; id: number }
  | { type: 'SPACE'; id: number }
  | { type: 'PROJECT'; id: number };

/**
 * The resource directly above `resource` (project → space → organization → account), or undefined for the
 * account and for unknown resources.
 *
 * @example
 * resourceParent(snapshot, { type: 'PROJECT', id: 7 }); // { type: 'SPACE', id: 12 }
 */
export function resourceParent(s: AccessSnapshot, resource: ResourceRef): ResourceRef | undefined {
  switch (resource.type) {
    case 'ACCOUNT':
      return undefined;
    case 'ORGANIZATION':
      return s.hasResource(resource) ? { type: 'ACCOUNT' } : undefined;
    case 'SPACE': {
      const id = s.organizationOf(resource.id);
      return id === undefined ? undefined : { type: 'ORGANIZATION', id };
    }
    case 'PROJECT': {
      const id = s.spaceOf(resource.id);
      return id === undefined ? undefined : { type: 'SPACE', id };
    }
  }
}
