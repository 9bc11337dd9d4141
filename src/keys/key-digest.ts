import * as crypto from 'node:crypto';

/** HMAC-SHA-256 of the raw key with the server pepper, hex: a stolen database alone cannot verify guesses. */
export function digestKey(pepper: Buffer, raw: string): string {
  return crypto.createHmac('sha256', pepper).update(raw).digest('hex');
}

/**
 * Unkeyed SHA-256 of the raw key, hex. Kept only in memory, by the verifier's cache, for keys whose HMAC it has
 * already checked against the database: a cache hit then costs one plain hash, not an HMAC. It gives nothing
 * away — whoever can read the process's memory can read the pepper too — and it is never stored.
 */
export function fingerprintKey(raw: string): string {
  // crypto.hash (Node 20.12+) hashes without building a Hash object and its stream machinery: a third of
  // createHash's cost on a key, paid on every request.
  return crypto.hash('sha256', raw, 'hex');
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

/**
 * Whether `raw` is the key whose UTF-8 bytes are `proved`, compared without an early exit by crypto.timingSafeEqual.
 * For a key held in memory to compare against on every request (key-verifier.ts, a key proved on a connection): its
 * bytes are made once, and the presented key's once a request: ~2.3k instructions, where digestsEqual's character
 * loop took ~5k over the ~65 characters of a raw key as it is cut out of the Authorization header (a sliced string;
 * bench/http/count-instructions.ts).
 */
export function rawKeyMatches(proved: Buffer, raw: string): boolean {
  const presented = Buffer.from(raw, 'utf8');
  return presented.length === proved.length && crypto.timingSafeEqual(presented, proved);
}
