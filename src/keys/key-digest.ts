import { createHmac } from 'node:crypto';

/** HMAC-SHA-256 of the raw key with the server pepper, hex: a stolen database alone cannot verify guesses. */
export function digestKey(pepper: Buffer, raw: string): string {
  return createHmac('sha256', pepper).update(raw).digest('hex');
}

/**
 * Compares two hex digests without an early exit, so the time taken says nothing about where they differ.
 * Strings, not Buffers: this runs on every request, and turning both digests into Buffers would cost more
 * than the comparison (a digest's length is public: always 64 characters).
 */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
