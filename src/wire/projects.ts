import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { ProjectRow } from '../../store/schema.js';
import { Id, Timestamp } from './common.js';

export const Project = Type.Object({
  id: Id,
  name: Type.String(),
  space_id: Id,
  created_at: Timestamp,
});

export function presentProject(row: ProjectRow) {
  return { id: encodeId('Project', row.id), name: row.name, space_id: encodeId('Space', row.space_id), created_at: row.created_at };
}
