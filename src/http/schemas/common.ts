import { type TSchema, Type } from '@sinclair/typebox';

/** RFC 7807 problem body: every error the API answers with. */
export const Problem = Type.Object({
  status: Type.Integer(),
  title: Type.String(),
  detail: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
}, { $id: 'Problem' });

export const Pagination = Type.Object({
  has_more: Type.Boolean(),
  next_cursor: Type.Optional(Type.String()),
});

export const Timestamp = Type.String({ format: 'date-time' });
export const Id = Type.String({ minLength: 1, maxLength: 200 });

/** `limit` 1..100 (default 50) and an opaque `cursor`, shared by every list. */
export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
};

export const PredefinedAccountRole = Type.Union([Type.Literal('ADMIN'), Type.Literal('MEMBER'), Type.Literal('ANNOTATOR')]);
export const PredefinedRole = Type.Union([Type.Literal('ADMIN'), Type.Literal('MEMBER'), Type.Literal('READ_ONLY'), Type.Literal('ANNOTATOR')]);

/** Role assignment in responses: always carries `type`, which clients dispatch on. */
export const RoleAssignment = Type.Union([
  Type.Object({ type: Type.Literal('PREDEFINED'), name: Type.String() }),
  Type.Object({ type: Type.Literal('CUSTOM'), id: Id, name: Type.Optional(Type.String()) }),
]);

/** Role assignment in requests: `name` is ignored for CUSTOM. */
export function RoleAssignmentRequest<T extends TSchema>(predefinedNames: T) {
  return Type.Union([
    Type.Object({ type: Type.Literal('PREDEFINED'), name: predefinedNames }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('CUSTOM'), id: Id, name: Type.Optional(Type.String()) }, { additionalProperties: false }),
  ]);
}

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem,
};

export function listResponse<K extends string, T extends TSchema>(key: K, item: T) {
  return Type.Object({ [key]: Type.Array(item), pagination: Pagination } as { [P in K]: ReturnType<typeof Type.Array<T>> } & { pagination: typeof Pagination });
}
