import { Type } from '@sinclair/typebox';
import { Timestamp } from './common.js';

/**
 * A grant's end (issue 17, just-in-time access), on role bindings and memberships. In a request: `expires_at` must be
 * in the future (422); without it the grant does not expire, and re-adding a member without it makes the membership
 * permanent again. In an answer: present only on a grant that expires.
 */
export const GrantExpiryRequest = {
  expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the grant stops counting (RFC 3339, in the future); it is then removed, with an audit row.' })),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Why the grant is given (e.g. "incident 123"); kept with it and audited.' })),
};

export const GrantExpiry = {
  expires_at: Type.Optional(Timestamp),
  reason: Type.Optional(Type.String()),
};
