import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { ResourceRestrictionRow } from '../../store/schema.js';
import { Id, Timestamp } from './common.js';

/** The only restrictable resource type. */
export const RestrictionResourceType = Type.Literal('PROJECT');

/** A restriction has no id of its own: it is named by the restricted project's id. */
export const ResourceRestriction = Type.Object({
  resource_id: Id,
  resource_type: RestrictionResourceType,
  created_at: Timestamp,
});

export function presentResourceRestriction(row: ResourceRestrictionRow) {
  return { resource_id: encodeId('Project', row.project_id), resource_type: 'PROJECT' as const, created_at: row.created_at };
}
