import type { ValueNode } from 'graphql';
import { GraphQLError, Kind } from './graphql-js.js';

/** RFC 3339 with a time zone, as the REST API's `date-time` fields. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** `node`: the literal in the document, so that the error says where it is (graphql-js reports a GraphQLError as thrown). */
function dateTime(value: unknown, node?: ValueNode): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(`DateTime must be an RFC 3339 date-time string, e.g. 2030-01-31T12:00:00Z; got ${JSON.stringify(value)?.slice(0, 60)}`, { nodes: node });
  }
  return value;
}

/** DateTime: an RFC 3339 string both ways (stored times are already such strings); mercurius sets these on the SDL's scalar. */
export const DateTime = {
  serialize: (value: unknown) => value,
  parseValue: dateTime,
  parseLiteral: (ast: ValueNode) => dateTime(ast.kind === Kind.STRING ? ast.value : undefined, ast),
};
