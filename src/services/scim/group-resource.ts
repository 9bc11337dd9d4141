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

/** `attributes` / `excludedAttributes` of a request (RFC 7644 §3.4.2.5), top-level names lower-cased. */
export interface ScimProjection {
  attributes?: ReadonlySet<string> | undefined;
  excluded?: ReadonlySet<string> | undefined;
}

/** Attributes returned whatever a projection asks (RFC 7643 §7, `returned: always`). */
const ALWAYS = new Set(['id', 'schemas']);

/** Parses a comma-separated attribute list to top-level names (`members.value` → `members`; the Group URN prefix dropped). */
export function projectionNames(list: string | undefined): Set<string> | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  return new Set(list.split(',').map((name) => {
    const bare = name.trim().toLowerCase().replace(`${GROUP_SCHEMA.toLowerCase()}:`, '');
    return bare.split('.', 1)[0]!;
  }));
}

/** Whether the projection wants this top-level attribute. */
export function wants(projection: ScimProjection, name: string): boolean {
  const key = name.toLowerCase();
  if (ALWAYS.has(key)) return true;
  if (projection.attributes) return projection.attributes.has(key);
  return !projection.excluded?.has(key);
}

/** The base every `location` and `$ref` starts with. */
export const scimBase = (publicUrl: string) => `${publicUrl}/scim/v2`;

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
    meta: { resourceType: 'Group', created: row.created_at, lastModified: row.updated_at, location: `${base}/Groups/${id}` },
  };
  return Object.fromEntries(Object.entries(resource).filter(([name]) => wants(projection, name)));
}
