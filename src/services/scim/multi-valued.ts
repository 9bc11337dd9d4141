import { isDeepStrictEqual } from 'node:util';

/**
 * A patched user's multi-valued attributes (emails, phoneNumbers, addresses, …) made to read as RFC 7644 §3.5.2 says
 * a PATCH leaves them, whatever order SCIMMY applied the operations in:
 * - adding a value the attribute already holds changes nothing (§3.5.2.1): a later entry equal to an earlier one goes;
 * - at most one value is `primary` (RFC 7643 §2.4): when the patch made a value primary, the values that were primary
 *   before lose it; of several new ones, the last stays;
 * - a value left with nothing but its labels (`type`, `primary`, `display`) goes: Entra removes an address part by
 *   part, and `[{"type": "work"}]` is no address.
 * `before` is the user as stored, `after` SCIMMY's result; both are plain JSON.
 */
export function tidyMultiValued(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const tidied: Record<string, unknown> = { ...after };
  for (const [name, value] of Object.entries(after)) {
    if (!Array.isArray(value) || !value.every(isObject)) continue;
    const was = Array.isArray(before[name]) ? (before[name] as unknown[]).filter(isObject) : [];
    tidied[name] = onePrimary(distinct(value.filter(holdsData)), was);
  }
  return tidied;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The sub-attributes that only label a value of a multi-valued attribute (RFC 7643 §2.4), holding none of its data. */
const LABELS = new Set(['type', 'primary', 'display']);

function holdsData(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => !LABELS.has(key));
}

function distinct(values: Record<string, unknown>[]): Record<string, unknown>[] {
  return values.filter((v, i) => values.findIndex((w) => isDeepStrictEqual(v, w)) === i);
}

function onePrimary(values: Record<string, unknown>[], was: Record<string, unknown>[]): Record<string, unknown>[] {
  const primaries = values.filter((v) => v.primary === true);
  if (primaries.length <= 1) return values;
  const wasPrimary = (v: Record<string, unknown>) => was.some((w) => w.primary === true && isDeepStrictEqual(w, v));
  const fresh = primaries.filter((v) => !wasPrimary(v));
  const keep = fresh.at(-1) ?? primaries.at(-1);
  return values.map((v) => (v.primary === true && v !== keep ? { ...v, primary: false } : v));
}
