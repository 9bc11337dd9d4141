import { Type } from '@sinclair/typebox';
import { User } from './users.js';

/** The console's session: who is signed in, the token to send as x-csrf-token, and whether a new password is due. */
export const ConsoleSession = Type.Object({
  user: User,
  csrf_token: Type.String(),
  must_change_password: Type.Boolean(),
});

export const Invitation = Type.Object({ email: Type.String(), name: Type.String() });
