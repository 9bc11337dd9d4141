/** `Bearer`, whitespace, one word, optional whitespace: the whole of an Authorization header that carries a token. */
const BEARER = /^Bearer\s+\S+\s*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header, or '' when the header has another shape. The shape is
 * tested, not captured: once it matches, the token is what is left after `Bearer` with its whitespace trimmed (`\s`
 * and `trim` agree on what whitespace is), and a capture would build a match array on every request. The one reading
 * of the header for the API, SCIM, GraphQL and `/metrics`.
 */
export function bearerToken(authorization: string): string {
  return BEARER.test(authorization) ? authorization.slice(6).trim() : '';
}
