import { encodeId } from '../../domain/ids.js';
import type { ProjectRow } from '../../store/schema.js';

export function presentProject(row: ProjectRow) {
  return { id: encodeId('Project', row.id), name: row.name, space_id: encodeId('Space', row.space_id), created_at: row.created_at };
}
