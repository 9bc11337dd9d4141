import { Type } from '@sinclair/typebox';
import { Id, ListQuery, Timestamp } from './common.js';

/** The only restrictable resource type. */
export const RestrictionResourceType = Type.Literal('PROJECT');

/** A restriction has no id of its own: it is named by the restricted project's id. */
export const ResourceRestriction = Type.Object({
  resource_id: Id,
  resource_type: RestrictionResourceType,
  created_at: Timestamp,
});

export const ResourceRestrictionParams = Type.Object({ resource_id: Id });

export const ListResourceRestrictionsQuery = Type.Object({
  resource_type: Type.Optional(RestrictionResourceType), ...ListQuery,
}, { additionalProperties: false });

/** `POST /v2/resource-restrictions` body: the project to restrict. */
export const RestrictResourceBody = Type.Object({ resource_id: Id }, { additionalProperties: false });
