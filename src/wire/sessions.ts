import { Type } from '@sinclair/typebox';
import type { UserRow } from '../../store/schema.js';
import { presentUser, User } from './users.js';

/** The console's session: who is signed in, the token to send as x-csrf-token, and whether a new password is due. */
export const ConsoleSession = Type.Object({
  user: User,
  csrf_token: Type.String(),
  must_change_password: Type.Boolean(),
});

export function presentSession(user: UserRow, csrfToken: string) {
  return { user: presentUser(user), csrf_token: csrfToken, must_change_password: user.must_change_password === 1 };
}

export const Invitation = Type.Object({ email: Type.String(), name: Type.String() });
