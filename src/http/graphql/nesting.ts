import { opensAtMost } from '../opening-brackets.js';

const HASH = 0x23; // #
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const OPEN_PAREN = 0x28;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const CLOSE_PAREN = 0x29;

const OPENERS = ['{', '[', '('];

/**
 * True when a GraphQL document's brackets (`{`, `[`, `(`) nest more than `limit` deep, read from its text before
 * anything parses it: graphql-js parses recursively, so a document of a few thousand nested selections or list
 * values overflows the stack (a RangeError, not a GraphQLError) while staying far under the 64 KiB size bound. A
 * document with no more than `limit` brackets in all cannot (every ordinary one), and is not walked; otherwise
 * strings, block strings and comments are skipped, so brackets inside them do not count. The walk reads character
 * codes: indexing the text made a string of each character (B15's 216-character document, walked in process: 625 ns
 * by character, 411 ns by code; the count alone now answers for it).
 */
export function bracketsNestDeeperThan(text: string, limit: number): boolean {
  if (opensAtMost(text, OPENERS, limit)) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== NEWLINE && text.charCodeAt(i) !== RETURN) i++;
    } else if (c === QUOTE) {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end === -1 ? n : end + 2;
      } else {
        for (i++; i < n && text.charCodeAt(i) !== QUOTE && text.charCodeAt(i) !== NEWLINE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET || c === OPEN_PAREN) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === CLOSE_PAREN) {
      depth--;
    }
  }
  return false;
}
