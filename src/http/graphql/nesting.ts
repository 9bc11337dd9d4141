/**
 * How deep a GraphQL document's brackets (`{`, `[`, `(`) nest, read from its text before anything parses it: graphql-js
 * parses recursively, so a document of a few thousand nested selections or list values overflows the stack
 * (a RangeError, not a GraphQLError) while staying far under the 64 KiB size bound. Strings, block strings and
 * comments are skipped, so brackets inside them do not count.
 */
export function bracketNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end === -1 ? text.length : end + 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return deepest;
}
