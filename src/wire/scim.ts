import { type Static, Type } from '@sinclair/typebox';

/**
 * The request shapes of `/scim/v2`. Bodies are read by the SCIM services against SCIM's own schemas (SCIMMY), with
 * SCIM's error types; the route only declares that a body is expected. SCIM clients send query parameters this server
 * does not read (`sortBy`, `sortOrder`, Entra's `aadOptscim062020`): they are let through.
 */
export const ScimBody = Type.Object({}, { additionalProperties: true });
export const ScimIdParams = Type.Object({ id: Type.String() });

const Projection = { attributes: Type.Optional(Type.String()), excludedAttributes: Type.Optional(Type.String()) };
export const ScimResourceQuery = Type.Object(Projection, { additionalProperties: true });
export const ScimListQuery = Type.Object({
  ...Projection, filter: Type.Optional(Type.String()), startIndex: Type.Optional(Type.Number()), count: Type.Optional(Type.Number()),
}, { additionalProperties: true });
export type ScimResourceQuery = Static<typeof ScimResourceQuery>;
