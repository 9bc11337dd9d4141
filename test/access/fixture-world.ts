import type { RoleInput, WorldInput } from '../../src/access/index.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';

/** Role ids of the fixture: the four predefined rows, then custom roles. */
export const ROLE = {
  ADMIN: 1,
  MEMBER: 2,
  READ_ONLY: 3,
  ANNOTATOR: 4,
  /** Custom: annotate spans, plus USER_CREATE, which a custom role can never carry into a scope. */
  LABELER: 5,
  /** Custom: read the hierarchy. */
  AUDITOR: 6,
  /** Custom: every permission of ADMIN, but not the predefined ADMIN role. */
  ADMIN_LOOKALIKE: 7,
  /** Custom: may create bindings on a project and read it, nothing else. */
  BINDER: 8,
} as const;

const ROLES: RoleInput[] = [
  ...(['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'] as const).map((key) => ({
    id: ROLE[key], name: PREDEFINED_ROLES[key].name, predefinedKey: key, permissions: PREDEFINED_ROLES[key].permissions,
  })),
  { id: ROLE.LABELER, name: 'Labeler', predefinedKey: null, permissions: ['PROJECT_SPAN_READ', 'PROJECT_SPAN_ANNOTATE', 'USER_CREATE'] },
  { id: ROLE.AUDITOR, name: 'Auditor', predefinedKey: null, permissions: ['ORGANIZATION_READ', 'SPACE_READ', 'PROJECT_READ'] },
  { id: ROLE.ADMIN_LOOKALIKE, name: 'Lookalike', predefinedKey: null, permissions: PREDEFINED_ROLES.ADMIN.permissions },
  { id: ROLE.BINDER, name: 'Binder', predefinedKey: null, permissions: ['PROJECT_READ', 'ROLE_BINDING_CREATE'] },
];

/**
 * Organization 1 "acme": public space 10 "alpha" (projects 100, 101 restricted, 102), private space 11
 * "vault" (project 110). Organization 2 "globex": space 20 (project 200). User 1 is the subject of each case
 * (its account role and grants given by the case); user 2 is an active account ADMIN bystander.
 */
export function fixtureWorld(subject: Partial<Pick<WorldInput, 'organizationMemberships' | 'spaceMemberships' | 'roleBindings'>> & {
  role?: 'ADMIN' | 'MEMBER' | 'ANNOTATOR';
  active?: boolean;
} = {}): WorldInput {
  return {
    accountId: 1,
    users: [
      { id: 1, role: subject.role ?? 'MEMBER', active: subject.active ?? true, isBot: false },
      { id: 2, role: 'ADMIN', active: true, isBot: false },
    ],
    organizations: [{ id: 1, name: 'acme' }, { id: 2, name: 'globex' }],
    spaces: [
      { id: 10, organizationId: 1, isPrivate: false, name: 'alpha' },
      { id: 11, organizationId: 1, isPrivate: true, name: 'vault' },
      { id: 20, organizationId: 2, isPrivate: false },
    ],
    projects: [
      { id: 100, spaceId: 10, restricted: false, name: 'chat' },
      { id: 101, spaceId: 10, restricted: true, name: 'payroll' },
      { id: 102, spaceId: 10, restricted: false },
      { id: 110, spaceId: 11, restricted: false },
      { id: 200, spaceId: 20, restricted: false },
    ],
    roles: ROLES,
    organizationMemberships: subject.organizationMemberships ?? [],
    spaceMemberships: subject.spaceMemberships ?? [],
    roleBindings: subject.roleBindings ?? [],
  };
}

export const org = (id: number) => ({ type: 'ORGANIZATION', id }) as const;
export const space = (id: number) => ({ type: 'SPACE', id }) as const;
export const project = (id: number) => ({ type: 'PROJECT', id }) as const;
export const account = { type: 'ACCOUNT' } as const;
