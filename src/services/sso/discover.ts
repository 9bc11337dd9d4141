import type { IdentityProtocol, IdentityProviderRow } from '../../store/schema.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import type { ServiceDeps } from '../service-deps.js';
import { emailDomain, providerWireId } from './login-attempts.js';

export interface DiscoverResult {
  sso: boolean;
  protocol?: IdentityProtocol;
  login_url?: string;
  password_allowed: boolean;
}

const LOGIN_PATH = { SAML: '/auth/v2/saml/login', OIDC: '/auth/oidc/login' } as const;

/** The path that starts a login with this provider (relative: the console opens it on this server). */
export function loginPath(idp: Pick<IdentityProviderRow, 'id' | 'protocol'>): string {
  return `${LOGIN_PATH[idp.protocol]}?idp_id=${encodeURIComponent(providerWireId(idp))}`;
}

/**
 * `POST /auth/sso/discover` (identity.md §2.2 step 1): decided from the email's domain alone, never from whether a
 * user exists. Only an enabled provider holding the domain as validated routes; an unvalidated domain's users use
 * the provider's own login link.
 */
export async function discoverSignIn(ctx: ServiceDeps, email: string): Promise<DiscoverResult> {
  const domain = emailDomain(email);
  const found = domain === undefined ? undefined : await new IdentityProviderLookup(ctx.store.db).findByDomain(domain);
  if (!found || !found.validated || found.idp.enabled !== 1) return { sso: false, password_allowed: true };
  return {
    sso: true, protocol: found.idp.protocol, login_url: loginPath(found.idp), password_allowed: found.idp.allow_only_sso_logins !== 1,
  };
}
