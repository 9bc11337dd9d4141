import { createRequire } from 'node:module';

/**
 * graphql-js, required as mercurius requires it (CommonJS) so that both use one copy of it: its schema types are
 * checked with instanceof. Node's `import` already picks the CommonJS build (graphql 16 has no exports map), but
 * Vite-based runners (vitest) would pick the ES module build and load a second copy.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export const {
  GraphQLError, Kind, NoSchemaIntrospectionCustomRule, buildSchema, getNamedType, getOperationAST, isInterfaceType, isObjectType, parse, printSchema, validate,
  visit,
} = graphql;
