/** A user's role on its account (spec README "The domain"): ADMIN administers the account, the others do not. */
export type AccountRoleKey = 'ADMIN' | 'MEMBER' | 'ANNOTATOR';
