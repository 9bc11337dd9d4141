import { createHmac, randomBytes } from 'node:crypto';

/** Opaque bearer tokens (sessions, invitations, resets): 32 random bytes, stored only as an HMAC digest. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function digestToken(key: Buffer, token: string): string {
  return createHmac('sha256', key).update(token).digest('hex');
}
