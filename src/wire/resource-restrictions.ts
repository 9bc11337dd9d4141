import { Type } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';

/** The only restrictable resource type. */
export const RestrictionResourceType = Type.Literal('PROJECT');

/** A restriction has no id of its own: it is named by the restricted project's id. */
export const ResourceRestriction = Type.Object({
  resource_id: Id,
  resource_type: RestrictionResourceType,
  created_at: Timestamp,
});
