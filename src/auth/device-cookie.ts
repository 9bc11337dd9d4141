import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A browser that signed in to an email before carries this cookie (the "device cookie" of OWASP's guidance on
 * online guessing): `<random id>.<HMAC of id and email>`. Sign-ins from such a device are limited on their own
 * and skip the per-address and per-email limits, so an attacker guessing an account, from one address or many,
 * cannot lock its owner out of a browser they used before.
 */
export const DEVICE_COOKIE = 'ax_device';
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

function mac(tokenKey: Buffer, id: string, emailLower: string): Buffer {
  return createHmac('sha256', tokenKey).update(`device\n${id}\n${emailLower}`).digest();
}

export function newDeviceCookie(tokenKey: Buffer, emailLower: string): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${mac(tokenKey, id, emailLower).toString('base64url')}`;
}

/** The device's id when the cookie was issued by this server for this email, else undefined. */
export function knownDevice(tokenKey: Buffer, cookie: string | undefined, emailLower: string): string | undefined {
  const [id, presented, extra] = (cookie ?? '').split('.');
  if (!id || !presented || extra !== undefined) return undefined;
  const expected = mac(tokenKey, id, emailLower);
  const given = Buffer.from(presented, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}
