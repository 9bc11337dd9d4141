import { randomBytes } from 'node:crypto';
import { ApiError } from '../../domain/errors.js';
import { decodeId } from '../../domain/ids.js';
import { buildAuthnRequest, renderAutoSubmitForm, serviceProviderMetadata } from '../../sso/saml/index.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import { LoginAttemptRecords } from '../../store/sso-login-attempts.js';
import type { ServiceDeps } from '../service-deps.js';
import { LOGIN_ATTEMPT_TTL_MS, newBrowserBinding, randomToken, resolveLoginProvider, safeReturnTo } from './login-attempts.js';
import { currentIdpMetadata } from './saml-metadata.js';
import { spSettings } from './sp-keys.js';

/** Where the browser goes next: a redirect, or an auto-submitting form for an IdP that takes only HTTP-POST. */
export type SamlLoginStart =
  | { cookie: string; kind: 'redirect'; url: string }
  | { cookie: string; kind: 'post'; html: string; contentSecurityPolicy: string };

/**
 * `GET /auth/v2/saml/login` (identity.md §2.2 steps 2–3): a login attempt holding the AuthnRequest id, the return
 * path and the digest of a new `ax_sso` cookie; then the AuthnRequest, with RelayState = the attempt id.
 */
export async function startSamlLogin(
  ctx: ServiceDeps, query: { idp_id?: string | undefined; email?: string | undefined; return_to?: string | undefined },
): Promise<SamlLoginStart> {
  const idp = await resolveLoginProvider(ctx, 'SAML', query);
  const [sp, metadata] = await Promise.all([spSettings(ctx), currentIdpMetadata(ctx, idp)]);
  const attemptId = randomToken();
  // An xs:ID must not start with a digit.
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const binding = newBrowserBinding();
  const now = ctx.clock.now();
  await new LoginAttemptRecords(ctx.store.db).create({
    id: attemptId, idpId: idp.id, protocol: 'SAML', requestId, browserBindingHash: binding.hash,
    returnTo: safeReturnTo(query.return_to), createdAt: new Date(now).toISOString(), expiresAt: new Date(now + LOGIN_ATTEMPT_TTL_MS).toISOString(),
  });
  const request = await buildAuthnRequest(sp, metadata, { requestId, relayState: attemptId, sign: idp.sign_authn === 1 });
  if (request.kind === 'redirect') return { cookie: binding.cookie, kind: 'redirect', url: request.url };
  // The IdP takes only HTTP-POST: a page that posts the AuthnRequest on load (its one script allowed by hash).
  return { cookie: binding.cookie, kind: 'post', ...renderAutoSubmitForm({ url: request.url, fields: request.fields }) };
}

/**
 * `GET /auth/v2/saml/metadata[?idp_id=]` (§2.1): the SP metadata; AuthnRequestsSigned is true only for a provider
 * that signs its AuthnRequests.
 */
export async function samlSpMetadata(ctx: ServiceDeps, idpId: string | undefined): Promise<string> {
  let signed = false;
  if (idpId !== undefined) {
    const idp = await new IdentityProviderLookup(ctx.store.db).find(decodeId('SamlIdentityProvider', idpId, 'idp_id'));
    if (!idp || idp.protocol !== 'SAML') throw new ApiError('SSO_UNKNOWN_PROVIDER', `no SAML identity provider ${idpId}`);
    signed = idp.sign_authn === 1;
  }
  return serviceProviderMetadata(await spSettings(ctx), { authnRequestsSigned: signed });
}
