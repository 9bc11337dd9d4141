import { Type } from '@sinclair/typebox';
import { GrantExpiry, GrantExpiryRequest } from './grant-expiry.js';
import {
  Description, GrantProvenance, Id, ListQuery, Name, PredefinedRole, RoleAssignment, RoleAssignmentRequest, Timestamp,
} from './common.js';
import { CascadeCount, DeleteDryRun, ServiceKeysWithoutSpace } from './delete-cascade.js';
import { MemberUser } from './users.js';
import { PrincipalAccessChange, PrincipalsOmitted } from './access-preview.js';

/** Arize's Space plus `organization_id`, which its clients ignore and ours use. */
export const Space = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  is_private: Type.Boolean(),
  created_at: Timestamp,
  organization_id: Id,
});

export const SpaceMembership = Type.Object({
  id: Id,
  space_id: Id,
  user_id: Id,
  role: RoleAssignment,
  ...GrantProvenance,
  ...GrantExpiry,
});

/** A row of GET /v2/spaces/{space_id}/users (beyond Arize's surface): the membership and who it is. */
export const SpaceMember = Type.Composite([SpaceMembership, Type.Object({ user: MemberUser })]);

export const SpaceParams = Type.Object({ space_id: Id });
export const SpaceMemberParams = Type.Object({ space_id: Id, user_id: Id });

export const ListSpacesQuery = Type.Object({
  org_id: Type.Optional(Id),
  /** Case-insensitive substring of the name. */
  name: Type.Optional(Type.String({ maxLength: 255 })),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateSpaceBody = Type.Object({
  name: Name, organization_id: Id, description: Type.Optional(Description), is_private: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const UpdateSpaceBody = Type.Object({
  name: Type.Optional(Name),
  /** `null` clears the description. */
  description: Type.Optional(Type.Union([Description, Type.Null()])),
  is_private: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const AddSpaceMemberBody = Type.Object({ user_id: Id, role: RoleAssignmentRequest(PredefinedRole), ...GrantExpiryRequest }, { additionalProperties: false });

export const DeleteSpaceQuery = Type.Object({ dry_run: DeleteDryRun }, { additionalProperties: false });

/** 200 answer of DELETE /v2/spaces/{space_id}?dry_run=true: what the delete would take with it. */
export const SpaceDeleteCascade = Type.Object({
  dry_run: Type.Literal(true),
  projects: CascadeCount,
  space_memberships: CascadeCount,
  role_bindings: CascadeCount,
  resource_restrictions: CascadeCount,
  service_keys_without_space: ServiceKeysWithoutSpace,
  principals: Type.Array(PrincipalAccessChange, { description: 'Whose effective permissions the delete would move, and how (as in an AccessPreview).' }),
  principals_omitted: PrincipalsOmitted,
});
