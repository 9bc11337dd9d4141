import { nodeSaml } from './node-saml.js';
import type { IdpMetadata } from './idp-metadata.js';
import type { SpSettings } from './sp-metadata.js';
import { NAMEID_FORMAT } from './xml-document.js';

/** How the browser carries the AuthnRequest to the IdP: a 302 to `url`, or an auto-submitted POST form. */
export type AuthnRequestDelivery =
  | { kind: 'redirect'; url: string }
  | { kind: 'post'; url: string; fields: Record<string, string> };

/** An xs:ID (NCName): what the AuthnRequest's ID attribute must be. */
const XML_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The AuthnRequest of identity.md §2.2 step 2, built by node-saml: ID = `requestId`, Destination, the ACS URL,
 * Issuer = the EntityID, NameIDPolicy emailAddress with AllowCreate, no RequestedAuthnContext (requesting
 * PasswordProtectedTransport breaks MFA and passwordless logins at Entra ID and Okta), RelayState, and with `sign`
 * an RSA-SHA256 signature by the SP key. HTTP-Redirect when the IdP offers it, else HTTP-POST.
 */
export async function buildAuthnRequest(
  sp: SpSettings,
  idp: IdpMetadata,
  options: { requestId: string; relayState: string; sign: boolean },
): Promise<AuthnRequestDelivery> {
  if (!XML_ID.test(options.requestId)) throw new TypeError('requestId must be an XML ID (a letter or _ first, then letters, digits, _ . -)');
  const redirect = idp.ssoRedirectUrl !== undefined;
  const entryPoint = idp.ssoRedirectUrl ?? idp.ssoPostUrl;
  if (entryPoint === undefined) throw new TypeError('the IdP metadata has no SingleSignOnService');
  const { SAML, ValidateInResponseTo } = await nodeSaml();
  const saml = new SAML({
    entryPoint,
    callbackUrl: sp.acsUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    idpCert: idp.certificates.map((certificate) => certificate.pem),
    identifierFormat: NAMEID_FORMAT.emailAddress,
    allowCreate: true,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    generateUniqueId: () => options.requestId,
    // The login attempt in the database is the record of this request; node-saml keeps none.
    validateInResponseTo: ValidateInResponseTo.never,
    authnRequestBinding: redirect ? 'HTTP-Redirect' : 'HTTP-POST',
    // The HTTP-POST binding carries the request base64-encoded but not deflated (saml-bindings §3.5.4).
    skipRequestCompression: !redirect,
    ...(options.sign ? { privateKey: sp.privateKeyPem, publicCert: sp.certificatePem } : {}),
  });
  if (redirect) return { kind: 'redirect', url: await saml.getAuthorizeUrlAsync(options.relayState, undefined, {}) };
  const message = await saml.getAuthorizeMessageAsync(options.relayState, undefined, {});
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(message)) if (typeof value === 'string') fields[name] = value;
  return { kind: 'post', url: entryPoint, fields };
}
