const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Arize's rule for "is this an id or a name?" (`resolve.IsResourceID` in client-go-v2): an id decodes as padded
 * standard base64 to text that contains `:`. Everything else is a name.
 */
export function isResourceId(value: string): boolean {
  if (value.length === 0 || !PADDED_BASE64.test(value)) return false;
  return Buffer.from(value, 'base64').toString('utf8').includes(':');
}

/** The type an id names (`Space` for base64 of `Space:12`), or undefined for a name. */
export function idType(value: string): string | undefined {
  if (!isResourceId(value)) return undefined;
  return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
}
