import { ApiError } from '../../domain/errors.js';
import { type IdpMetadata, peekSamlResponse, validateSamlResponse, type VerifiedAssertion } from '../../sso/saml/index.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import { SeenAssertionRecords } from '../../store/saml-assertions-seen.js';
import type { IdentityProviderRow, SsoLoginAttemptRow } from '../../store/schema.js';
import { LoginAttemptRecords } from '../../store/sso-login-attempts.js';
import type { ServiceDeps } from '../service-deps.js';
import type { VerifiedIdentity } from './complete-login.js';
import {
  checkFailureLimit, emailDomain, LOGIN_ATTEMPT_TTL_MS, type LoginFailureScope, randomToken, recordingFailures, safeReturnTo,
} from './login-attempts.js';
import { cachedIdpMetadata, currentIdpMetadata, refetchAfterSignatureFailure } from './saml-metadata.js';
import { spSettings } from './sp-keys.js';

/** Entra ID's SAML group overage: a link to the Graph API instead of more than 150 groups (identity.md §4.1). */
const ENTRA_GROUPS_LINK = 'http://schemas.microsoft.com/claims/groups.link';

/** The clock skew allowed on SAML time conditions; the replay guard remembers an assertion this long past its end. */
const SKEW_MS = 60_000;

export interface AcsForm {
  SAMLResponse?: string | undefined;
  RelayState?: string | undefined;
}

/**
 * `POST /auth/v2/saml`, the ACS (identity.md §2.3), in order: the failure limiter; the form; which attempt (by
 * InResponseTo) or which provider (an IdP-initiated response, by Issuer); validation by the SAML module against the
 * provider's metadata (fetched again once after a signature failure); the attempt consumed and the assertion id
 * remembered, atomically across processes; the NameID's domain; the verified identity kept in the attempt. Returns
 * the attempt to complete. Every failure is recorded (reason = its code) and leaves nothing else written.
 */
export async function receiveSamlResponse(ctx: ServiceDeps, origin: { ip: string; operation: string }, form: AcsForm): Promise<{ attemptId: string }> {
  checkFailureLimit(ctx, origin.ip);
  const scope: LoginFailureScope = { accountId: null };
  return recordingFailures(ctx, origin, scope, async () => {
    const samlResponse = form.SAMLResponse;
    if (samlResponse === undefined || samlResponse.length === 0) {
      throw new ApiError('SAML_RESPONSE_MALFORMED', 'post the form field SAMLResponse as application/x-www-form-urlencoded');
    }
    const peeked = peekSamlResponse(samlResponse);
    const lookup = new IdentityProviderLookup(ctx.store.db);
    const attempts = new LoginAttemptRecords(ctx.store.db);
    const now = ctx.clock.now();

    let attempt: SsoLoginAttemptRow | undefined;
    let idp: IdentityProviderRow;
    if (peeked.inResponseTo !== undefined) {
      attempt = await attempts.findByRequestId(peeked.inResponseTo);
      if (!attempt || attempt.protocol !== 'SAML' || attempt.consumed_at !== null || Date.parse(attempt.expires_at) <= now) {
        throw new ApiError('SAML_REPLAYED', 'no open sign-in answers to this response (unknown, already used or expired); start a new sign-in');
      }
      const found = await lookup.find(attempt.idp_id);
      if (!found || found.enabled !== 1) throw new ApiError('SSO_UNKNOWN_PROVIDER', 'the identity provider of this sign-in is disabled or deleted');
      idp = found;
    } else {
      idp = await unsolicitedProvider(lookup, peeked.issuer);
    }
    scope.accountId = idp.account_id;

    const sp = await spSettings(ctx);
    const validate = (metadata: IdpMetadata) => validateSamlResponse({
      samlResponseB64: samlResponse, sp, idp: metadata, expectedRequestId: attempt?.request_id ?? undefined, now: new Date(ctx.clock.now()),
    });
    let assertion: VerifiedAssertion;
    try {
      assertion = await validate(await currentIdpMetadata(ctx, idp));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'SAML_SIGNATURE_INVALID') throw error;
      const fresh = await refetchAfterSignatureFailure(ctx, idp);
      if (!fresh) throw error;
      assertion = await validate(fresh);
    }

    const attemptId = attempt?.id ?? randomToken();
    const at = new Date(ctx.clock.now()).toISOString();
    const seenUntil = new Date(Math.max(Date.parse(assertion.notOnOrAfter) || 0, ctx.clock.now()) + SKEW_MS).toISOString();
    await ctx.store.db.transaction().execute(async (trx) => {
      const records = new LoginAttemptRecords(trx);
      if (attempt) {
        if (!await records.consume(attempt.id, at)) throw new ApiError('SAML_REPLAYED', 'this sign-in was already answered');
      } else {
        // IdP-initiated: the ACS opens the attempt itself, consumed, without a browser binding (§2.2), and relies on
        // the assertion-id replay guard; RelayState is only a return path.
        await records.create({
          id: attemptId, idpId: idp.id, protocol: 'SAML', browserBindingHash: null, returnTo: safeReturnTo(form.RelayState),
          createdAt: at, expiresAt: new Date(ctx.clock.now() + LOGIN_ATTEMPT_TTL_MS).toISOString(), consumedAt: at,
        });
      }
      if (!await new SeenAssertionRecords(trx).remember(idp.id, assertion.assertionId, seenUntil)) {
        throw new ApiError('SAML_REPLAYED', 'this assertion was already used');
      }
    });

    const domain = emailDomain(assertion.email);
    if (domain === undefined) throw new ApiError('SAML_NAMEID_INVALID', 'the NameID is not an email address');
    if (!(await lookup.domainsOf(idp.id)).includes(domain)) {
      throw new ApiError('SSO_EMAIL_DOMAIN_MISMATCH', `${domain} is not an email domain of this identity provider`);
    }
    const identity: VerifiedIdentity = {
      protocol: 'SAML', idpId: idp.id, accountId: idp.account_id, subject: assertion.email, email: assertion.email,
      attributes: assertion.attributes, issuer: assertion.issuer, assertionId: assertion.assertionId,
      ...(assertion.name ? { name: assertion.name } : {}),
      ...(ENTRA_GROUPS_LINK in assertion.attributes ? { groupOverage: true } : {}),
    };
    await attempts.storeResult(attemptId, JSON.stringify(identity));
    return { attemptId };
  });
}

/**
 * An answer without InResponseTo: the provider whose entity id is the Issuer, if it allows IdP-initiated logins
 * (else SAML_UNSOLICITED); an issuer no provider has is SAML_ISSUER_MISMATCH.
 */
async function unsolicitedProvider(lookup: IdentityProviderLookup, issuer: string | undefined): Promise<IdentityProviderRow> {
  const matching = issuer === undefined ? [] : (await lookup.listLive('SAML')).filter((idp) => {
    try {
      return cachedIdpMetadata(idp).entityId === issuer;
    } catch {
      return false;
    }
  });
  if (matching.length === 0) throw new ApiError('SAML_ISSUER_MISMATCH', 'no identity provider here has this issuer');
  const allowed = matching.find((idp) => idp.enabled === 1 && idp.allow_idp_initiated === 1);
  if (!allowed) throw new ApiError('SAML_UNSOLICITED', 'this identity provider does not allow IdP-initiated sign-in; start from the console');
  return allowed;
}
