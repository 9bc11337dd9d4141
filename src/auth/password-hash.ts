import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const R = 8;
const P = 1;

/**
 * scrypt from node:crypto with cost `n` (AX_PASSWORD_HASH_N, config.ts), encoded `scrypt$N$r$p$salt$hash`: verification reads
 * the parameters from the encoding, so a hash made at another cost still verifies.
 */
export async function hashPassword(password: string, n: number): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { N: n, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  if (!encoded) return false;
  const [scheme, n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

/** A readable generated password for bootstrap and TEMPORARY_PASSWORD invitations. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
