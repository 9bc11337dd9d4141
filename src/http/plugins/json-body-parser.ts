import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { opensAtMost } from '../opening-brackets.js';

/** No body of the admin API nests deeper than a handful of levels; 32 leaves room and stops `[[[[…` early. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACE = 0x7d; // }
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const JSON_OPENERS = ['{', '['];

/**
 * True when `text` opens more than `limit` arrays/objects at once. Text with no more than `limit` brackets in all
 * cannot, and is not walked (every ordinary body); otherwise one linear pass over the characters that skips string
 * contents, and stops at the first level too many, so a hostile body costs microseconds, not the event loop time
 * JSON.parse (and later JSON.stringify) would spend on it. Malformed text is left to JSON.parse to reject.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  if (opensAtMost(text, JSON_OPENERS, limit)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces Fastify's JSON parser: refuses nesting deeper than MAX_JSON_DEPTH before JSON.parse runs, then
 * parses with Fastify's own parser (secure-json-parse: a `__proto__` or `constructor.prototype` key is an error,
 * as by default).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // No route takes plain text: a JSON body sent as text/plain (fetch's default) is a 415, as any other media type,
  // rather than a string that fails validation as "body: must be object".
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(new ApiError('INVALID_JSON', `body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
