/** A user's role on its account (spec README "The domain"): ADMIN administers the account, the others do not. */
export type AccountRoleKey = 'ADMIN' | 'MEMBER' | 'ANNOTATOR';
export const ACCOUNT_ROLE_KEYS: readonly AccountRoleKey[] = ['ADMIN', 'MEMBER', 'ANNOTATOR'];

/** The account roles a service key's bot user may hold (an annotator bot would be of no use). */
export const SERVICE_KEY_ACCOUNT_ROLE_KEYS: readonly AccountRoleKey[] = ['ADMIN', 'MEMBER'];

/** Whether `granted` is no higher than `holder` (ADMIN > MEMBER > ANNOTATOR): the account level of the privilege ceiling. */
export function accountRoleWithin(granted: AccountRoleKey, holder: AccountRoleKey): boolean {
  return ACCOUNT_ROLE_KEYS.indexOf(granted) >= ACCOUNT_ROLE_KEYS.indexOf(holder);
}
