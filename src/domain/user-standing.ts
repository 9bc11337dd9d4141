/** What decides whether a user may authenticate at all, as the credential lookups read it from the user row. */
export interface UserStanding {
  status: string;
  deleted_at: string | null;
  deactivated_at: string | null;
}

/**
 * A user may authenticate — with a key, an access token or a grant being refreshed — only while ACTIVE, not deleted
 * and not deactivated. One rule for every credential (the console session query applies the same three conditions).
 */
export function mayAuthenticate(user: UserStanding): boolean {
  return user.status === 'ACTIVE' && user.deleted_at === null && user.deactivated_at === null;
}
