const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const TYPED = /^[A-Za-z][A-Za-z0-9_]*:/;

/**
 * "Is this an id or a name?" Arize's rule (`resolve.IsResourceID` in client-go-v2: padded standard base64 that decodes
 * to text containing `:`), narrowed as cli.md states it, to text that starts with `Type:`. The narrowing matters for
 * short names: `OrgX` is valid base64 whose first decoded byte happens to be `:`.
 */
export function isResourceId(value: string): boolean {
  return idType(value) !== undefined;
}

/** The type an id names (`Space` for base64 of `Space:12`), or undefined for a name. */
export function idType(value: string): string | undefined {
  if (value.length === 0 || !PADDED_BASE64.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return TYPED.test(text) ? text.slice(0, text.indexOf(':')) : undefined;
}
