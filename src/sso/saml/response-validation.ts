import type { CacheProvider, Profile } from '@node-saml/node-saml';
import { nodeSaml } from './node-saml.js';
import { ApiError, type ErrorCode } from '../../domain/errors.js';
import type { IdpMetadata } from './idp-metadata.js';
import type { SpSettings } from './sp-metadata.js';
import { readSamlResponse } from './untrusted-response.js';
import { NAMEID_FORMAT, NS, childElements, containsComment, descendants } from './xml-document.js';

/** The identity an IdP asserted, read only from what its signature covers. */
export interface VerifiedAssertion {
  assertionId: string;
  inResponseTo?: string;
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  /** The NameID lower-cased (emailAddress format, or unspecified whose value is an email address). */
  email: string;
  /** `Name` or http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name. */
  name?: string;
  /** Every Attribute Name → all its AttributeValues. */
  attributes: Record<string, string[]>;
  /** ISO instant after which the assertion is refused anyway: how long the replay guard must remember it. */
  notOnOrAfter: string;
}

const CLOCK_SKEW_MS = 60_000;
/** identity.md §2.3 step 5: an assertion issued longer ago than this is refused. */
const MAX_ASSERTION_AGE_MS = 5 * 60_000;
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const NAME_ATTRIBUTES = ['Name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];
const ACCEPTED_NAMEID_FORMATS = new Set<string | undefined>([NAMEID_FORMAT.emailAddress, NAMEID_FORMAT.unspecified, undefined]);
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/** RSA-SHA1 and SHA-1 digests are refused (identity.md §2.3 step 4); xml-crypto would accept them. */
const ACCEPTED_SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const ACCEPTED_DIGEST_METHODS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
]);

const GENERIC_SIGNATURE_DETAIL = 'the response could not be verified: the assertion must be signed (RSA-SHA256 or RSA-SHA512) by a certificate from the IdP metadata';

/**
 * node-saml's error messages (lib/saml.js, 5.1.0) → our codes. Anything not listed is a signature failure: a
 * validation error nobody anticipated must refuse the login, never let it through.
 */
const LIBRARY_ERRORS: { message: RegExp; code: ErrorCode; detail: (sp: SpSettings) => string }[] = [
  { message: /^(InResponseTo is not valid|InResponseTo is missing|InResponseTo does not match|SubjectInResponseTo is not valid)/, code: 'SAML_REPLAYED', detail: () => 'the response does not answer this sign-in request' },
  { message: /^SAML assertion not yet valid/, code: 'SAML_EXPIRED', detail: () => 'the assertion is not valid yet (NotBefore is in the future)' },
  { message: /^SAML assertion expired/, code: 'SAML_EXPIRED', detail: () => 'the assertion has expired (NotOnOrAfter has passed)' },
  { message: /^No valid subject confirmation found/, code: 'SAML_EXPIRED', detail: () => 'no subject confirmation of the assertion is valid now' },
  { message: /audience mismatch|has no AudienceRestriction|AudienceRestriction has no Audience/, code: 'SAML_AUDIENCE_MISMATCH', detail: (sp) => `the assertion's Audience is not this service provider's entity id ${sp.entityId}` },
  { message: /^Error parsing (NotBefore|NotOnOrAfter|IssueInstant)/, code: 'SAML_RESPONSE_MALFORMED', detail: () => 'a timestamp of the assertion is not a valid date' },
  { message: /^Unable to process multiple conditions/, code: 'SAML_RESPONSE_MALFORMED', detail: () => 'the assertion holds more than one Conditions element' },
];

/**
 * identity.md §2.3 steps 4-5 and the NameID part of step 7. @node-saml/node-saml verifies the signature (the
 * assertion must be signed; a Response signature, when present, must verify too) against every certificate of the
 * IdP metadata and reads the identity from the signed content only; this function adds what node-saml leaves out
 * (Issuer, Destination, Recipient, IssueInstant age, the status of a response that carries an assertion, RSA-SHA1,
 * comments inside the assertion, misplaced Assertion/Response copies) and turns every failure into our error code.
 *
 * `expectedRequestId` undefined = an IdP-initiated (unsolicited) response, which must carry no InResponseTo.
 * `now` drives this module's time checks (Conditions, SubjectConfirmationData, IssueInstant, 60 s skew); node-saml
 * also checks Conditions and SubjectConfirmationData against the real clock, which it does not let a caller set.
 */
export async function validateSamlResponse(input: {
  samlResponseB64: string;
  sp: SpSettings;
  idp: IdpMetadata;
  expectedRequestId: string | undefined;
  now?: Date;
}): Promise<VerifiedAssertion> {
  const { sp, idp, expectedRequestId } = input;
  const now = (input.now ?? new Date()).getTime();
  const response = readSamlResponse(input.samlResponseB64);
  const { root } = response;

  // Refusals read from the untrusted document: each can only turn a login away, never let one in.
  if (!response.status.success) throw new ApiError('SAML_IDP_STATUS', statusDetail(response.status));
  for (const method of descendants(root, NS.dsig, 'SignatureMethod')) {
    if (!ACCEPTED_SIGNATURE_METHODS.has(method.getAttribute('Algorithm') ?? '')) {
      throw new ApiError('SAML_SIGNATURE_INVALID', 'the signature algorithm is refused: sign with RSA-SHA256 or RSA-SHA512 (RSA-SHA1 is not accepted)');
    }
  }
  for (const method of descendants(root, NS.dsig, 'DigestMethod')) {
    if (!ACCEPTED_DIGEST_METHODS.has(method.getAttribute('Algorithm') ?? '')) {
      throw new ApiError('SAML_SIGNATURE_INVALID', 'the digest algorithm is refused: use SHA-256 or SHA-512 (SHA-1 is not accepted)');
    }
  }
  // By local name in any namespace, as node-saml's XPath and xml2js (prefixes stripped) find elements.
  if (descendants(root, '*', 'Assertion').length !== 1 || descendants(root, '*', 'Response').length !== 0) {
    throw new ApiError('SAML_SIGNATURE_INVALID', 'the response holds a copy of an Assertion or Response outside its place (signature wrapping)');
  }
  if (containsComment(response.assertion!)) {
    throw new ApiError('SAML_SIGNATURE_INVALID', 'the assertion contains an XML comment (a comment inside the NameID is a known attack)');
  }
  const inResponseTo = root.getAttribute('InResponseTo') || undefined;
  if (expectedRequestId === undefined && inResponseTo !== undefined) {
    throw new ApiError('SAML_REPLAYED', 'an unsolicited response must not answer a sign-in request (InResponseTo is set)');
  }

  const { SAML, SamlStatusError, ValidateInResponseTo } = await nodeSaml();
  const saml = new SAML({
    callbackUrl: sp.acsUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    idpCert: idp.certificates.map((certificate) => certificate.pem),
    wantAssertionsSigned: true,
    // node-saml ignores a Response signature that fails to verify unless it is required; require it when present.
    wantAuthnResponseSigned: childElements(root, NS.dsig, 'Signature').length > 0,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    identifierFormat: NAMEID_FORMAT.emailAddress,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    ...(expectedRequestId === undefined
      ? { validateInResponseTo: ValidateInResponseTo.never }
      : { validateInResponseTo: ValidateInResponseTo.always, cacheProvider: oneShotCache(expectedRequestId, now) }),
  });
  let profile: Profile;
  try {
    const result = await saml.validatePostResponseAsync({ SAMLResponse: input.samlResponseB64.replace(/\s+/g, '') });
    if (!result.profile) throw new Error('no profile');
    profile = result.profile;
  } catch (error) {
    throw fromLibraryError(error, sp, SamlStatusError);
  }

  const assertion = signedAssertion(profile);
  const issuer = typeof profile.issuer === 'string' ? profile.issuer.trim() : '';
  if (issuer !== idp.entityId) throw new ApiError('SAML_ISSUER_MISMATCH', `the assertion's Issuer is not the IdP's entity id ${idp.entityId}`);
  const responseIssuer = childElements(root, NS.assertion, 'Issuer')[0]?.textContent?.trim();
  if (responseIssuer !== undefined && responseIssuer !== idp.entityId) {
    throw new ApiError('SAML_ISSUER_MISMATCH', `the response's Issuer is not the IdP's entity id ${idp.entityId}`);
  }
  const destination = root.getAttribute('Destination');
  if (destination && destination !== sp.acsUrl) throw new ApiError('SAML_DESTINATION_MISMATCH', `the response's Destination is not this service provider's ACS ${sp.acsUrl}`);

  const expiries = checkTimes(assertion, sp, now);
  if (expectedRequestId === undefined && expiries.inResponseTo !== undefined) {
    throw new ApiError('SAML_REPLAYED', 'an unsolicited response must not answer a sign-in request (InResponseTo is set)');
  }
  if (expectedRequestId !== undefined && (inResponseTo !== expectedRequestId || (expiries.inResponseTo ?? expectedRequestId) !== expectedRequestId)) {
    throw new ApiError('SAML_REPLAYED', 'the response does not answer this sign-in request');
  }

  const nameId = typeof profile.nameID === 'string' ? profile.nameID.trim() : '';
  const nameIdFormat = typeof profile.nameIDFormat === 'string' ? profile.nameIDFormat : undefined;
  if (nameId === '') throw new ApiError('SAML_NAMEID_INVALID', 'the assertion has no NameID');
  if (!ACCEPTED_NAMEID_FORMATS.has(nameIdFormat)) throw new ApiError('SAML_NAMEID_INVALID', `the NameID format must be ${NAMEID_FORMAT.emailAddress}`);
  if (nameId.length > 254 || !EMAIL.test(nameId)) throw new ApiError('SAML_NAMEID_INVALID', 'the NameID is not an email address');

  const attributes = readAttributes(profile.attributes);
  const name = NAME_ATTRIBUTES.map((key) => attributes[key]?.[0]?.trim()).find((value) => value);
  const assertionId = text(attribute(assertion, 'ID'));
  if (!assertionId) throw new ApiError('SAML_RESPONSE_MALFORMED', 'the assertion has no ID');
  return {
    assertionId,
    ...(expectedRequestId === undefined ? {} : { inResponseTo: expectedRequestId }),
    issuer,
    nameId,
    ...(nameIdFormat === undefined ? {} : { nameIdFormat }),
    email: nameId.toLowerCase(),
    ...(name ? { name } : {}),
    attributes,
    notOnOrAfter: new Date(expiries.refusedFrom).toISOString(),
  };
}

/**
 * The time and recipient checks of §2.3 step 5 on the signed assertion: Conditions NotBefore/NotOnOrAfter,
 * IssueInstant at most 5 minutes old, and a bearer SubjectConfirmation for this ACS whose data is valid now.
 * Returns when the assertion stops being acceptable and the subject's InResponseTo.
 */
function checkTimes(assertion: XmlNode, sp: SpSettings, now: number): { refusedFrom: number; inResponseTo: string | undefined } {
  const issueInstant = instant(attribute(assertion, 'IssueInstant'));
  if (issueInstant === undefined) throw new ApiError('SAML_RESPONSE_MALFORMED', 'the assertion has no valid IssueInstant');
  if (issueInstant > now + CLOCK_SKEW_MS) throw new ApiError('SAML_EXPIRED', 'the assertion was issued in the future; check the IdP\'s clock');
  if (now - issueInstant > MAX_ASSERTION_AGE_MS + CLOCK_SKEW_MS) throw new ApiError('SAML_EXPIRED', 'the assertion was issued more than 5 minutes ago');
  const bounds = [issueInstant + MAX_ASSERTION_AGE_MS];

  for (const conditions of children(assertion, 'Conditions')) {
    checkWindow(conditions, now, bounds, 'the assertion');
  }

  const confirmations = children(children(assertion, 'Subject')[0], 'SubjectConfirmation')
    .filter((confirmation) => text(attribute(confirmation, 'Method')) === BEARER)
    .map((confirmation) => children(confirmation, 'SubjectConfirmationData')[0]);
  const forThisAcs = confirmations.filter((data) => text(attribute(data, 'Recipient')) === sp.acsUrl);
  if (forThisAcs.length === 0) {
    throw new ApiError('SAML_DESTINATION_MISMATCH', `the assertion's SubjectConfirmationData Recipient is not this service provider's ACS ${sp.acsUrl}`);
  }
  let lastProblem: ApiError | undefined;
  for (const data of forThisAcs) {
    const own: number[] = [];
    try {
      checkWindow(data, now, own, 'the subject confirmation');
    } catch (error) {
      lastProblem = error as ApiError;
      continue;
    }
    bounds.push(...own);
    return { refusedFrom: Math.min(...bounds), inResponseTo: text(attribute(data, 'InResponseTo')) || undefined };
  }
  throw lastProblem!;
}

function checkWindow(element: XmlNode, now: number, bounds: number[], what: string): void {
  const notBefore = attribute(element, 'NotBefore');
  const notOnOrAfter = attribute(element, 'NotOnOrAfter');
  const from = notBefore === undefined ? undefined : instant(notBefore);
  const until = notOnOrAfter === undefined ? undefined : instant(notOnOrAfter);
  if ((notBefore !== undefined && from === undefined) || (notOnOrAfter !== undefined && until === undefined)) {
    throw new ApiError('SAML_RESPONSE_MALFORMED', `a timestamp of ${what} is not a valid date`);
  }
  if (from !== undefined && now + CLOCK_SKEW_MS < from) throw new ApiError('SAML_EXPIRED', `${what} is not valid yet (NotBefore is in the future)`);
  if (until !== undefined && now - CLOCK_SKEW_MS >= until) throw new ApiError('SAML_EXPIRED', `${what} has expired (NotOnOrAfter has passed)`);
  if (until !== undefined) bounds.push(until);
}

/**
 * node-saml's InResponseTo cache, for one validation: it knows only the request id the caller's login attempt
 * (already checked in the database) names, and forgets it once read.
 */
function oneShotCache(requestId: string, now: number): CacheProvider {
  let pending: string | undefined = requestId;
  const createdAt = new Date(now).toISOString();
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (key === pending ? createdAt : null),
    removeAsync: async (key) => {
      if (key !== pending) return null;
      pending = undefined;
      return key;
    },
  };
}

function fromLibraryError(error: unknown, sp: SpSettings, SamlStatusError: typeof import('@node-saml/node-saml').SamlStatusError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SamlStatusError) return new ApiError('SAML_IDP_STATUS', 'the identity provider did not answer Success');
  const message = error instanceof Error ? error.message : '';
  const known = LIBRARY_ERRORS.find((entry) => entry.message.test(message));
  return known ? new ApiError(known.code, known.detail(sp)) : new ApiError('SAML_SIGNATURE_INVALID', GENERIC_SIGNATURE_DETAIL);
}

function statusDetail(status: { code: string | undefined; subCode: string | undefined }): string {
  const urn = status.subCode ?? status.code;
  // Only a standard status URN is repeated back; anything else in an unverified message is not echoed.
  return urn !== undefined && /^urn:oasis:names:tc:SAML:2\.0:status:[A-Za-z]{1,64}$/.test(urn) ? urn : 'the identity provider did not answer Success';
}

// --- the signed assertion as node-saml hands it over (xml2js: children by local name, `$` attributes, `_` text) ---

type XmlNode = Record<string, unknown> | undefined;

function signedAssertion(profile: Profile): XmlNode {
  const document = profile.getAssertion?.();
  const assertion = children(document, 'Assertion')[0] ?? (document?.['Assertion'] as XmlNode);
  if (!assertion) throw new ApiError('SAML_SIGNATURE_INVALID', GENERIC_SIGNATURE_DETAIL);
  return assertion;
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node?.[name];
  if (Array.isArray(value)) return value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
  return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const attributes = node?.['$'];
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const value = (attributes as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function text(value: string | undefined): string {
  return value?.trim() ?? '';
}

function instant(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** node-saml's attribute map (a value is a string, or a list when there are several) → name → string[]. */
function readAttributes(raw: unknown): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  if (typeof raw !== 'object' || raw === null) return attributes;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const values = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
    attributes[name] = values;
  }
  return attributes;
}
