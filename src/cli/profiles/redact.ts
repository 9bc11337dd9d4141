/** Shows a key as its prefix and last four characters (`ak-…abcd`); never the whole secret. */
export function redactKey(key: string): string {
  if (key.length <= 8) return '…';
  const prefix = /^[a-z]{2,4}[-_]/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
}

/** Shows an OAuth token, which carries no prefix, as its last four characters (`…abcd`). */
export function redactToken(token: string): string {
  return token.length <= 8 ? '…' : `…${token.slice(-4)}`;
}
