import type { ValidationRule } from 'graphql';
import { GraphQLError } from './graphql-js.js';

/**
 * A string literal of the document holding U+0000 (written `"\u0000"`) is refused, as REST refuses it in every
 * string it accepts (plugins/validation.ts) and as the body's variables already are: PostgreSQL cannot store it in
 * text (a 500), and SQLite would store a name `ax export` then cannot write back.
 */
export const nulStringsRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes('\u0000')) context.reportError(new GraphQLError('a string must not contain the NUL character (U+0000)', { nodes: [node] }));
  },
});
