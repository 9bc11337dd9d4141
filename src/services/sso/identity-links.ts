import type { Kysely } from 'kysely';
import { unprocessable } from '../../domain/errors.js';
import { forAccount } from '../../store/account-store.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import type { Database, UserRow } from '../../store/schema.js';

/** The part of an email address after its last `@`, lower-case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Allow-only-SSO (identity.md §2.5): password sign-in is off for this user because its email domain belongs to a
 * live, enabled provider of its account that allows only SSO logins, or because it is linked to such a provider.
 * Users outside those domains and links (the bootstrap admin, contractors) keep their passwords: the way back in
 * when the provider is broken.
 */
export function passwordSignInIsOff(db: Kysely<Database>, user: Pick<UserRow, 'id' | 'account_id' | 'email'>): Promise<boolean> {
  return forAccount(db, user.account_id).identityLinks.onlySsoFor(user.id, emailDomain(user.email));
}

/**
 * The email's domain is routed to a live, enabled provider that allows only SSO logins, whichever account holds it.
 * Public knowledge (the sign-in page's discovery answers `password_allowed: false` for it), so a sign-in may say so
 * without revealing whether the email has a user.
 */
export async function domainAllowsOnlySso(db: Kysely<Database>, emailLower: string): Promise<boolean> {
  const found = await new IdentityProviderLookup(db).findByDomain(emailDomain(emailLower));
  return found !== undefined && found.idp.enabled === 1 && found.idp.allow_only_sso_logins === 1;
}

/** 422 for a password reset or an invitation of a user whose password sign-in is off: it signs in with SSO. */
export async function requirePasswordSignIn(db: Kysely<Database>, user: Pick<UserRow, 'id' | 'account_id' | 'email'>): Promise<void> {
  if (await passwordSignInIsOff(db, user)) {
    throw unprocessable('user_id: password sign-in is off for this user (its identity provider allows only SSO logins); it signs in with single sign-on');
  }
}

/** The email's domain belongs to a live provider of the account: a user pre-provisioned for SSO is ACTIVE at once. */
export function signsInWithSso(db: Kysely<Database>, accountId: number, email: string): Promise<boolean> {
  return forAccount(db, accountId).identityLinks.domainHasProvider(emailDomain(email));
}
