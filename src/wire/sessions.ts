import { Type } from '@sinclair/typebox';
import { User } from './users.js';

/** The console's session: who is signed in, the token to send as x-csrf-token, and whether a new password is due. */
export const ConsoleSession = Type.Object({
  user: User,
  csrf_token: Type.String(),
  must_change_password: Type.Boolean(),
});

export const Invitation = Type.Object({ email: Type.String(), name: Type.String() });

const Password = Type.String({ minLength: 1, maxLength: 1024 });
const NewPassword = Type.String({ minLength: 12, maxLength: 1024 });

/** The invitation or password-reset token in the path (never audited; the request log redacts it). */
export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

export const SignInBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 255 }), password: Password }, { additionalProperties: false });
export const ChangePasswordBody = Type.Object({ current_password: Password, new_password: NewPassword }, { additionalProperties: false });
/** `POST /auth/invitations/{token}/accept` and `POST /auth/password-resets/{token}` body: the password to set. */
export const NewPasswordBody = Type.Object({ password: NewPassword }, { additionalProperties: false });
