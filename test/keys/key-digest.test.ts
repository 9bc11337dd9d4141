import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestKey, digestsEqual, generateKey } from '../../src/keys/index.js';
import { rawKeyMatches } from '../../src/keys/key-digest.js';

describe('digestKey', () => {
  it('is HMAC-SHA-256 of the raw key under the pepper, hex', () => {
    const pepper = randomBytes(32);
    const { raw } = generateKey();
    expect(digestKey(pepper, raw)).toBe(createHmac('sha256', pepper).update(raw).digest('hex'));
    expect(digestKey(pepper, raw)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the pepper: another deployment\'s digest does not match', () => {
    const { raw } = generateKey();
    expect(digestKey(randomBytes(32), raw)).not.toBe(digestKey(randomBytes(32), raw));
  });
});

describe('digestsEqual', () => {
  const a = digestKey(randomBytes(32), 'a');
  it('is true for equal digests only', () => {
    expect(digestsEqual(a, `${a}`)).toBe(true);
    for (const at of [0, 31, 63]) {
      const other = a.slice(0, at) + (a[at] === '0' ? '1' : '0') + a.slice(at + 1);
      expect(digestsEqual(a, other)).toBe(false);
    }
  });

  it('is false for different lengths', () => {
    expect(digestsEqual(a, a.slice(0, 62))).toBe(false);
    expect(digestsEqual(a, '')).toBe(false);
  });
});

describe('rawKeyMatches', () => {
  const { raw } = generateKey();
  const proved = Buffer.from(raw, 'utf8');
  it('is true for the proved key only, whichever character differs', () => {
    expect(rawKeyMatches(proved, ` ${raw} `.trim())).toBe(true);
    for (const at of [0, 20, raw.length - 1]) {
      expect(rawKeyMatches(proved, raw.slice(0, at) + (raw[at] === 'A' ? 'B' : 'A') + raw.slice(at + 1))).toBe(false);
    }
  });

  it('is false for another length, and for characters whose bytes differ although the text is as long', () => {
    expect(rawKeyMatches(proved, raw.slice(0, -1))).toBe(false);
    expect(rawKeyMatches(proved, `${raw}A`)).toBe(false);
    expect(rawKeyMatches(proved, '')).toBe(false);
    expect(rawKeyMatches(proved, `${raw.slice(0, -1)}é`)).toBe(false);
  });
});
