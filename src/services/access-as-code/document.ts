import type { Permission } from '../../domain/permissions.js';

/**
 * The access document as the services read and write it (the wire's AccessDocument, src/wire/access-document.ts,
 * is the same shape: the route passes one for the other). Names, never ids; every list sorted by name, grants by
 * user email.
 */
export interface DocGrant {
  user: string;
  role: string;
  expires_at?: string | undefined;
  reason?: string | undefined;
}

export interface DocProject {
  name: string;
  restricted?: boolean | undefined;
  role_bindings?: DocGrant[] | undefined;
}

export interface DocSpace {
  name: string;
  description?: string | undefined;
  private?: boolean | undefined;
  members?: DocGrant[] | undefined;
  role_bindings?: DocGrant[] | undefined;
  projects?: DocProject[] | undefined;
}

export interface DocOrganization {
  name: string;
  description?: string | undefined;
  members?: DocGrant[] | undefined;
  spaces?: DocSpace[] | undefined;
}

export interface DocRole {
  name: string;
  description?: string | undefined;
  permissions: Permission[];
}

export interface AccessDocument {
  version: 1;
  roles?: DocRole[] | undefined;
  organizations?: DocOrganization[] | undefined;
}

/** Where in the document: `['organizations', 0, 'spaces', 2, 'name']`. */
export type DocPath = readonly (string | number)[];

/** `organizations[0].spaces[2].name` (empty for the document itself). */
export function formatPath(path: DocPath): string {
  return path.reduce<string>((text, part) => typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`, '');
}
