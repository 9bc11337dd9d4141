import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKey, importedPublicId, KEY_PREFIX, parseKey, redactKey } from '../../src/keys/index.js';
import { propertyRuns } from '../helpers/property-runs.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The checksum as first specified: base62 of the CRC32's 4 big-endian bytes, via BigInt (a reference, slow). */
function referenceChecksum(body: string): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(crc32(body) >>> 0);
  let n = BigInt(`0x${buf.toString('hex')}`);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out;
}

describe('generateKey', () => {
  it('makes `ak-<12 base62 public id>-<43 base62 secret><6 base62 checksum>` with matching publicId and last4', () => {
    const k = generateKey();
    expect(k.raw).toMatch(/^ak-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
    expect(k.raw.startsWith(`${KEY_PREFIX}${k.publicId}-`)).toBe(true);
    expect(k.last4).toBe(k.raw.slice(-4));
  });

  it('never repeats a public id or a secret (1,000 keys)', () => {
    const keys = Array.from({ length: 1000 }, generateKey);
    expect(new Set(keys.map((k) => k.publicId)).size).toBe(1000);
    expect(new Set(keys.map((k) => k.raw.slice(16, 59))).size).toBe(1000);
  });

  it('uses the whole base62 alphabet in its 43 secret digits', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of generateKey().raw.slice(16, 59)) seen.add(c);
    expect(seen.size).toBe(62);
  });

  it('draws the secret from the whole 256-bit range: among 200 secrets one exceeds 2^248 (fails for a 192-bit source)', () => {
    const value = (digits: string) => [...digits].reduce((n, c) => n * 62n + BigInt(ALPHABET.indexOf(c)), 0n);
    const largest = Array.from({ length: 200 }, () => value(generateKey().raw.slice(16, 59))).reduce((a, b) => (a > b ? a : b));
    expect(largest > 2n ** 248n).toBe(true);
    expect(largest < 2n ** 256n).toBe(true);
  });

  it('computes the checksum exactly as the reference definition does', () => {
    for (let i = 0; i < 1000; i++) {
      const { raw } = generateKey();
      expect(raw.slice(-6)).toBe(referenceChecksum(raw.slice(0, -6)));
    }
  });
});

describe('parseKey', () => {
  it('returns the public id of a well-formed key', () => {
    const k = generateKey();
    expect(parseKey(k.raw)).toEqual({ publicId: k.publicId });
  });

  it('rejects any single-character typo through the checksum, without I/O', () => {
    const { raw } = generateKey();
    fc.assert(fc.property(fc.integer({ min: 0, max: raw.length - 1 }), fc.constantFrom(...ALPHABET), (at, c) => {
      fc.pre(raw[at] !== c);
      expect(parseKey(raw.slice(0, at) + c + raw.slice(at + 1))).toBeUndefined();
    }), propertyRuns(500));
  });

  it('rejects two swapped neighbouring characters', () => {
    const { raw } = generateKey();
    for (let at = 16; at < raw.length - 1; at++) {
      if (raw[at] === raw[at + 1]) continue;
      expect(parseKey(raw.slice(0, at) + raw[at + 1] + raw[at] + raw.slice(at + 2))).toBeUndefined();
    }
  });

  it.each([
    ['empty', ''],
    ['another prefix', `sk-${generateKey().raw.slice(3)}`],
    ['a truncated key', generateKey().raw.slice(0, -1)],
    ['an extended key', `${generateKey().raw}x`],
    ['white space', ` ${generateKey().raw}`],
    ['a non-base62 character', generateKey().raw.replace(/-(.)/, '-_')],
    ['an arbitrary string', 'Bearer nonsense'],
  ])('rejects %s', (_what, raw) => {
    expect(parseKey(raw)).toBeUndefined();
  });
});

describe('redactKey', () => {
  it('shows the prefix, three characters of the public id and the last 4', () => {
    expect(redactKey('AbCdEfGhIjKl', 'wxyz')).toBe('ak-AbC...wxyz');
  });
});

describe('importedPublicId', () => {
  it('derives a stable id, marked as imported, from the digest', () => {
    expect(importedPublicId('0123456789abcdef')).toBe('imp012345678');
  });
});
