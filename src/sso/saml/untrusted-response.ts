import { ApiError } from '../../domain/errors.js';
import { NS, childElements, is, parseUntrustedXml } from './xml-document.js';

/** identity.md §2.3 step 2: a SAMLResponse larger than this, decoded, is refused unread. */
const MAX_DECODED_BYTES = 256 * 1024;
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A decoded SAMLResponse whose shape is right, read WITHOUT trusting any of it. */
export interface UntrustedResponse {
  root: Element;
  /** The one Assertion child of the Response (absent only when the status is not Success). */
  assertion: Element | undefined;
  /** The top-level StatusCode and, when there is one, the second-level code (the more precise reason). */
  status: { code: string | undefined; subCode: string | undefined; success: boolean };
}

/**
 * Decodes and parses a SAMLResponse and checks its shape: base64 of at most 256 KiB, well-formed XML, a Response
 * root with exactly one Assertion child (none when the IdP answers an error status), no EncryptedAssertion.
 * Throws ApiError('SAML_RESPONSE_MALFORMED', detail).
 */
export function readSamlResponse(samlResponseB64: string): UntrustedResponse {
  if (typeof samlResponseB64 !== 'string') throw malformed('SAMLResponse is missing');
  const compact = samlResponseB64.replace(/\s+/g, '');
  if (compact === '') throw malformed('SAMLResponse is empty');
  // Checked before decoding, so a huge body costs nothing; 4 base64 characters carry 3 bytes.
  if (compact.length > Math.ceil(MAX_DECODED_BYTES / 3) * 4) throw malformed('SAMLResponse is larger than 256 KiB');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw malformed('SAMLResponse is not base64');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_DECODED_BYTES) throw malformed('SAMLResponse is larger than 256 KiB');

  const parsed = parseUntrustedXml(bytes.toString('utf8'));
  if ('error' in parsed) throw malformed(`SAMLResponse: ${parsed.error}`);
  const root = parsed.root;
  if (!is(root, NS.protocol, 'Response')) throw malformed(`the message's root element is ${root.localName ?? root.nodeName}, not a SAML 2.0 Response`);
  if (childElements(root, NS.assertion, 'EncryptedAssertion').length > 0) {
    throw malformed('encrypted assertions are not supported: turn off assertion encryption for this application at the IdP');
  }

  const statusCode = childElements(root, NS.protocol, 'Status').flatMap((status) => childElements(status, NS.protocol, 'StatusCode'))[0];
  const code = statusCode?.getAttribute('Value') ?? undefined;
  const subCode = statusCode ? childElements(statusCode, NS.protocol, 'StatusCode')[0]?.getAttribute('Value') ?? undefined : undefined;
  const status = { code, subCode, success: code === STATUS_SUCCESS };

  const assertions = childElements(root, NS.assertion, 'Assertion');
  if (assertions.length > 1) throw malformed(`the Response holds ${assertions.length} assertions; exactly one is accepted`);
  if (assertions.length === 0 && status.success) throw malformed('the Response holds no Assertion');
  return { root, assertion: assertions[0], status };
}

/**
 * identity.md §2.3 steps 2-3: decodes a SAMLResponse and reads, WITHOUT trusting it, what finds the login attempt
 * (InResponseTo) or the IdP (Issuer of the Response, else of the Assertion). Throws
 * ApiError('SAML_RESPONSE_MALFORMED', detail) as readSamlResponse does.
 */
export function peekSamlResponse(samlResponseB64: string): { inResponseTo?: string; issuer?: string } {
  const { root, assertion } = readSamlResponse(samlResponseB64);
  const inResponseTo = root.getAttribute('InResponseTo')?.trim() || undefined;
  const issuerOf = (element: Element | undefined) => (element ? childElements(element, NS.assertion, 'Issuer')[0]?.textContent?.trim() || undefined : undefined);
  const issuer = issuerOf(root) ?? issuerOf(assertion);
  return { ...(inResponseTo ? { inResponseTo } : {}), ...(issuer ? { issuer } : {}) };
}

function malformed(detail: string): ApiError {
  return new ApiError('SAML_RESPONSE_MALFORMED', detail);
}
