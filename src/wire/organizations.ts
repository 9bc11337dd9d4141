import { Type } from '@sinclair/typebox';
import { GrantExpiry, GrantExpiryRequest } from './grant-expiry.js';
import { Description, GrantProvenance, Id, ListQuery, Name, PredefinedRole, RoleAssignment, RoleAssignmentRequest, Timestamp } from './common.js';
import { CascadeCount, DeleteDryRun, ServiceKeysWithoutSpace } from './delete-cascade.js';
import { MemberUser } from './users.js';
import { PrincipalAccessChange, PrincipalsOmitted } from './access-preview.js';

export const Organization = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  created_at: Timestamp,
});

export const OrganizationMembership = Type.Object({
  id: Id,
  organization_id: Id,
  user_id: Id,
  role: RoleAssignment,
  ...GrantProvenance,
  ...GrantExpiry,
});

/** A row of GET /v2/organizations/{org_id}/users (beyond Arize's surface): the membership and who it is. */
export const OrganizationMember = Type.Composite([OrganizationMembership, Type.Object({ user: MemberUser })]);

export const OrganizationParams = Type.Object({ org_id: Id });
export const OrganizationMemberParams = Type.Object({ org_id: Id, user_id: Id });

export const ListOrganizationsQuery = Type.Object({
  /** Case-insensitive substring of the name. */
  name: Type.Optional(Type.String({ maxLength: 255 })),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateOrganizationBody = Type.Object({ name: Name, description: Type.Optional(Description) }, { additionalProperties: false });

export const UpdateOrganizationBody = Type.Object({
  name: Type.Optional(Name),
  /** `null` clears the description. */
  description: Type.Optional(Type.Union([Description, Type.Null()])),
}, { additionalProperties: false });

export const AddOrganizationMemberBody = Type.Object({ user_id: Id, role: RoleAssignmentRequest(PredefinedRole), ...GrantExpiryRequest }, { additionalProperties: false });

export const DeleteOrganizationQuery = Type.Object({ dry_run: DeleteDryRun }, { additionalProperties: false });

/** 200 answer of DELETE /v2/organizations/{org_id}?dry_run=true: what the delete would take with it. */
export const OrganizationDeleteCascade = Type.Object({
  dry_run: Type.Literal(true),
  spaces: CascadeCount,
  projects: CascadeCount,
  organization_memberships: CascadeCount,
  space_memberships: CascadeCount,
  role_bindings: CascadeCount,
  resource_restrictions: CascadeCount,
  service_keys_without_space: ServiceKeysWithoutSpace,
  principals: Type.Array(PrincipalAccessChange, { description: 'Whose effective permissions the delete would move, and how (as in an AccessPreview).' }),
  principals_omitted: PrincipalsOmitted,
});
