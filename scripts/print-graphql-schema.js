#!/usr/bin/env node
// Part of `npm run build`, after tsc: prints the /graphql schema (dist/http/graphql/type-defs.js, built from
// src/http/graphql/type-defs.ts) with graphql-js to docs/schema.graphql, the published contract.
// test/http/graphql-schema.test.ts fails when the committed file and the source differ.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { buildSchema, printSchema } = createRequire(import.meta.url)('graphql');
const { typeDefs } = await import('../dist/http/graphql/type-defs.js');
writeFileSync(new URL('../docs/schema.graphql', import.meta.url), `${printSchema(buildSchema(typeDefs))}\n`);
