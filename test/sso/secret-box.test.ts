import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from '../../src/sso/secret-box.js';

const key = randomBytes(32);

describe('secret box (AES-256-GCM for OIDC client secrets)', () => {
  it('round-trips, in the v1.<iv>.<tag>.<ciphertext> base64url form, with a fresh iv each time', () => {
    const sealed = sealSecret('s3cr3t-ünïcode', key);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain('s3cr3t');
    expect(openSecret(sealed, key)).toBe('s3cr3t-ünïcode');
    expect(sealSecret('s3cr3t-ünïcode', key)).not.toBe(sealed);
    expect(openSecret(sealSecret('', key), key)).toBe('');
  });

  it('another key does not open it', () => {
    expect(() => openSecret(sealSecret('x', key), randomBytes(32))).toThrow(/does not open with this key/);
  });

  it('a changed ciphertext, tag or iv does not open', () => {
    const [version, iv, tag, ciphertext] = sealSecret('client-secret', key).split('.') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    expect(() => openSecret([version, iv, tag, flip(ciphertext)].join('.'), key)).toThrow(/does not open/);
    expect(() => openSecret([version, iv, flip(tag), ciphertext].join('.'), key)).toThrow(/does not open/);
    expect(() => openSecret([version, flip(iv), tag, ciphertext].join('.'), key)).toThrow(/does not open/);
  });

  it('refuses values that are not sealed secrets, and keys that are not 32 bytes', () => {
    expect(() => openSecret('plain-secret', key)).toThrow(/not a sealed secret/);
    expect(() => openSecret('v2.a.b.c', key)).toThrow(/not a sealed secret/);
    expect(() => openSecret('v1.AAAA.BBBB.CCCC', key)).toThrow(/not a sealed secret/);
    expect(() => openSecret(`${sealSecret('x', key)}.extra`, key)).toThrow(/not a sealed secret/);
    expect(() => sealSecret('x', randomBytes(16))).toThrow(/32 bytes/);
  });
});
