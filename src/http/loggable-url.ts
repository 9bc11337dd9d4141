/** Query parameter names that carry a credential (compared lower-case, `-` read as `_`). */
export const SECRET_QUERY_PARAMETERS = new Set([
  'api_key', 'apikey', 'x_api_key', 'key', 'token', 'access_token', 'api_token', 'auth', 'authorization', 'bearer',
  'password', 'secret', 'session', 'ax_session', 'csrf_token', 'x_csrf_token',
]);

export function isSecretQueryParameter(name: string): boolean {
  return SECRET_QUERY_PARAMETERS.has(name.toLowerCase().replaceAll('-', '_'));
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** Paths that carry a single-use token: `/auth/invitations/<token>`, `/reset/<token>`, … */
const TOKEN_IN_PATH = /\/(invitations|password-resets|invite|reset)\/[^/?]+/g;

/**
 * The request URL as the log may hold it: tokens in paths, values of secret-named query parameters and any
 * value that looks like an API key (`ak-…`) are replaced, so neither a path nor a query string leaks a secret.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(TOKEN_IN_PATH, '/$1/[REDACTED]');
  if (q === -1) return path;
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    return isSecretQueryParameter(decoded(name)) || /ak-/i.test(decoded(value)) ? `${name}=[REDACTED]` : pair;
  });
  return `${path}?${query.join('&')}`;
}
