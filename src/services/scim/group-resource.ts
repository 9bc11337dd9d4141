import { projectAttributes, type ResourceUrns, type ScimProjection } from './attribute-projection.js';
import { scimId } from '../../domain/scim-ids.js';
import type { ScimGroupMemberRow } from '../../store/repositories/scim-groups.js';
import type { ScimGroupRow } from '../../store/schema.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A member as RFC 7643 §4.2 shows it: the user's SCIM id, its name (else email) and its absolute location. */
export interface ScimGroupMember {
  value: string;
  display: string;
  $ref: string;
}

/** The Group resource's schema, for `attributes` / `excludedAttributes`. */
export const GROUP_URNS: ResourceUrns = { core: GROUP_SCHEMA };

/** The base every `location` and `$ref` starts with. */
export const scimBase = (publicUrl: string) => `${publicUrl}/scim/v2`;

/** A group's absolute location: its `meta.location`, and the `Location` of its creation. */
export const groupLocation = (publicUrl: string, groupId: number) => `${scimBase(publicUrl)}/Groups/${scimId('ScimGroup', groupId)}`;

/** A group row as the SCIM Group resource (RFC 7643 §4.2) with `meta.location` absolute; `members` omitted when not wanted. */
export function groupResource(
  row: ScimGroupRow, members: readonly ScimGroupMemberRow[] | undefined, publicUrl: string, projection: ScimProjection = {},
): Record<string, unknown> {
  const id = scimId('ScimGroup', row.id);
  const base = scimBase(publicUrl);
  const resource: Record<string, unknown> = {
    schemas: [GROUP_SCHEMA],
    id,
    ...(row.external_id === null ? {} : { externalId: row.external_id }),
    displayName: row.display_name,
    ...(members === undefined ? {} : {
      members: members.map((m): ScimGroupMember => ({ value: scimId('User', m.user_id), display: m.name || m.email, $ref: `${base}/Users/${scimId('User', m.user_id)}` })),
    }),
    meta: { resourceType: 'Group', created: row.created_at, lastModified: row.updated_at, location: groupLocation(publicUrl, row.id) },
  };
  return projectAttributes(resource, projection, GROUP_URNS);
}
