/** A resource of the hierarchy account ⊃ organization ⊃ space ⊃ project, on which permissions are granted. */
export type ResourceRef =
  | { type: 'ACCOUNT' }
  | { type: 'ORGANIZATION'; id: number }
  | { type: 'SPACE'; id: number }
  | { type: 'PROJECT'; id: number };

export const ACCOUNT: ResourceRef = { type: 'ACCOUNT' };

export function organizationRef(id: number): ResourceRef {
  return { type: 'ORGANIZATION', id };
}

export function spaceRef(id: number): ResourceRef {
  return { type: 'SPACE', id };
}

export function projectRef(id: number): ResourceRef {
  return { type: 'PROJECT', id };
}
