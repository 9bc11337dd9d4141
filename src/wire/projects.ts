import { Type } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';

export const Project = Type.Object({
  id: Id,
  name: Type.String(),
  space_id: Id,
  created_at: Timestamp,
});
