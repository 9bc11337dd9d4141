import { encodeId } from '../../domain/ids.js';
import type { ResourceRestrictionRow } from '../../store/schema.js';

export function presentResourceRestriction(row: ResourceRestrictionRow) {
  return { resource_id: encodeId('Project', row.project_id), resource_type: 'PROJECT' as const, created_at: row.created_at };
}
