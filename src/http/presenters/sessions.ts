import type { UserRow } from '../../store/schema.js';
import { presentUser } from './users.js';

export function presentSession(user: UserRow, csrfToken: string) {
  return { user: presentUser(user), csrf_token: csrfToken, must_change_password: user.must_change_password === 1 };
}
