import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA-256 of the raw key with the server pepper: a stolen database alone cannot verify guesses. */
export function digestKey(pepper: Buffer, raw: string): string {
  return createHmac('sha256', pepper).update(raw).digest('hex');
}

export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
