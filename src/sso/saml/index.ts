// SAML 2.0 as a service provider (identity.md §2): IdP metadata, the SP's own metadata and key, the AuthnRequest,
// and the validation of a SAMLResponse. Pure protocol code: no database, no HTTP server.
export { parseIdpMetadata, type IdpMetadata } from './idp-metadata.js';
export { generateSpKeyPair } from './sp-key-pair.js';
export { serviceProviderMetadata, type SpSettings } from './sp-metadata.js';
export { buildAuthnRequest } from './authn-request.js';
export { renderAutoSubmitForm } from './auto-submit-form.js';
export { peekSamlResponse } from './untrusted-response.js';
export { validateSamlResponse, type VerifiedAssertion } from './response-validation.js';
