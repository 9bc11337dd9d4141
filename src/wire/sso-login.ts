import { Type } from '@sinclair/typebox';
import { Id } from './common.js';

/**
 * The browser side of single sign-on (identity.md §2.1–§2.3, §3.1): the query strings of the login routes and the
 * ACS form. These routes answer redirects and pages, not JSON (errors: problem+json for `Accept: application/json`,
 * else an error page).
 */

const ReturnTo = Type.String({ maxLength: 2048, description: 'a path of this site to land on after sign-in (`/` when it is not one)' });

/** `GET /auth/v2/saml/login` and `GET /auth/oidc/login`: a provider by id, or by the email's validated domain. */
export const SsoLoginQuery = Type.Object({
  idp_id: Type.Optional(Id),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  return_to: Type.Optional(ReturnTo),
}, { additionalProperties: false });

/** `GET /auth/v2/saml/metadata`: `idp_id` of a provider that signs AuthnRequests makes AuthnRequestsSigned true. */
export const SpMetadataQuery = Type.Object({ idp_id: Type.Optional(Id) }, { additionalProperties: false });

/** Its answer: the SP metadata XML (`application/xml`). */
export const SpMetadataXml = Type.String({ description: 'SAML 2.0 EntityDescriptor of this service provider (application/xml)' });

/** `POST /auth/v2/saml`, the ACS: the HTTP-POST binding's form fields. */
export const AcsForm = Type.Object({
  SAMLResponse: Type.Optional(Type.String()),
  RelayState: Type.Optional(Type.String({ maxLength: 2048 })),
}, { additionalProperties: false });

/** `GET /auth/sso/complete`: the attempt the ACS verified. */
export const SsoCompleteQuery = Type.Object({ attempt: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

/** `GET /auth/oidc/callback`: what the OP sends back (RFC 6749 §4.1.2, RFC 9207 `iss`); other parameters pass. */
export const OidcCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
}, { additionalProperties: true });
