import { PERMISSIONS, type Permission } from './permissions.js';

/** Keys of the predefined (system) roles; also the wire names of PREDEFINED role assignments. */
export type PredefinedRoleKey = 'ADMIN' | 'MEMBER' | 'READ_ONLY' | 'ANNOTATOR';
export const PREDEFINED_ROLE_KEYS: readonly PredefinedRoleKey[] = ['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'];
/** The organization and space roles a service key's bot user may hold (ANNOTATOR is refused). */
export const SERVICE_KEY_ROLE_KEYS: readonly PredefinedRoleKey[] = ['ADMIN', 'MEMBER', 'READ_ONLY'];

/** Permissions that only an account ADMIN holds (account-level administration). */
const ACCOUNT_LEVEL: ReadonlySet<Permission> = new Set<Permission>([
  'USER_CREATE', 'USER_UPDATE', 'USER_DELETE', 'USER_PERMISSION_UPDATE', 'ORGANIZATION_CREATE', 'ORGANIZATION_DELETE',
]);

/** What a MEMBER may not do: administration of the hierarchy, bindings and restrictions. */
const MEMBER_EXCLUDED: ReadonlySet<Permission> = new Set<Permission>([
  ...ACCOUNT_LEVEL, 'ORGANIZATION_UPDATE', 'SPACE_CREATE', 'SPACE_UPDATE', 'SPACE_DELETE',
  'ROLE_BINDING_CREATE', 'ROLE_BINDING_DELETE', 'PROJECT_RESTRICT',
]);

const ANNOTATOR: readonly Permission[] = [
  'PROJECT_READ', 'PROJECT_SPAN_READ', 'PROJECT_SPAN_ANNOTATE', 'DATASET_READ', 'DATASET_EXAMPLE_READ',
  'DATASET_EXAMPLE_ANNOTATE', 'EXPERIMENT_READ', 'EXPERIMENT_RUN_READ', 'EXPERIMENT_RUN_ANNOTATE', 'QUEUE_READ',
  'QUEUE_RECORD_READ', 'QUEUE_RECORD_ANNOTATE', 'ANNOTATION_CONFIG_READ',
];

export interface PredefinedRole {
  key: PredefinedRoleKey;
  /** Display name, as published by GET /v2/roles?is_predefined=true. */
  name: string;
  description: string;
  permissions: readonly Permission[];
}

/**
 * The one table of predefined role permission sets (space and organization level). The access engine,
 * GET /v2/roles and the docs all read it.
 */
export const PREDEFINED_ROLES: Readonly<Record<PredefinedRoleKey, PredefinedRole>> = {
  ADMIN: {
    key: 'ADMIN',
    name: 'Admin',
    description: 'Full access to the organization or space and everything in it',
    permissions: PERMISSIONS.filter((p) => !ACCOUNT_LEVEL.has(p)),
  },
  MEMBER: {
    key: 'MEMBER',
    name: 'Member',
    description: 'Read everything; create, update and delete data resources; create service keys',
    permissions: PERMISSIONS.filter((p) => !MEMBER_EXCLUDED.has(p)),
  },
  READ_ONLY: {
    key: 'READ_ONLY',
    name: 'Read Only',
    description: 'Read everything',
    permissions: PERMISSIONS.filter((p) => p.endsWith('_READ')),
  },
  ANNOTATOR: {
    key: 'ANNOTATOR',
    name: 'Annotator',
    description: 'Read and annotate spans, dataset examples, experiment runs and queue records',
    permissions: ANNOTATOR,
  },
};

/**
 * What an ORGANIZATION membership with a predefined role grants on the organization (access-model.md, grant
 * source 2): ADMIN is the full ADMIN set on O and everything in it; the others grant organization-level reads
 * (and MEMBER space creation) only — SPACE_READ here covers the non-private spaces of O.
 */
export const ORGANIZATION_MEMBERSHIP_GRANTS: Readonly<Record<PredefinedRoleKey, readonly Permission[]>> = {
  ADMIN: PREDEFINED_ROLES.ADMIN.permissions,
  MEMBER: ['ORGANIZATION_READ', 'SPACE_CREATE', 'SPACE_READ'],
  READ_ONLY: ['ORGANIZATION_READ', 'SPACE_READ'],
  ANNOTATOR: ['ORGANIZATION_READ'],
};
