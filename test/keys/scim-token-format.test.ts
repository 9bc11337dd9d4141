import { describe, expect, it } from 'vitest';
import { generateKey, parseKey, scimTokenFormat } from '../../src/keys/index.js';

/** identity.md §5.1: a SCIM token is the API-key construction with its own prefix, and neither passes for the other. */
describe('scimTokenFormat', () => {
  it('makes `axscim-<12 base62 public id>-<43 base62 secret><6 base62 checksum>` and parses it back', () => {
    const token = scimTokenFormat.generate();
    expect(token.raw).toMatch(/^axscim-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
    expect(token.raw.startsWith(`axscim-${token.publicId}-`)).toBe(true);
    expect(token.last4).toBe(token.raw.slice(-4));
    expect(scimTokenFormat.parse(token.raw)).toEqual({ publicId: token.publicId });
    expect(scimTokenFormat.redact(token.publicId, token.last4)).toBe(`axscim-${token.publicId.slice(0, 3)}...${token.last4}`);
  });

  it('rejects a typo anywhere through the checksum', () => {
    const { raw } = scimTokenFormat.generate();
    for (let at = 7; at < raw.length; at++) {
      if (raw[at] === '-') continue;
      const typo = raw.slice(0, at) + (raw[at] === 'x' ? 'y' : 'x') + raw.slice(at + 1);
      expect(scimTokenFormat.parse(typo), typo).toBeUndefined();
    }
  });

  it('never takes an API key for a SCIM token nor the reverse, even with the prefix swapped', () => {
    const key = generateKey().raw;
    const token = scimTokenFormat.generate().raw;
    expect(scimTokenFormat.parse(key)).toBeUndefined();
    expect(parseKey(token)).toBeUndefined();
    // The checksum covers the prefix: swapping it breaks the checksum.
    expect(scimTokenFormat.parse(key.replace(/^ak-/, 'axscim-'))).toBeUndefined();
    expect(parseKey(token.replace(/^axscim-/, 'ak-'))).toBeUndefined();
  });
});
