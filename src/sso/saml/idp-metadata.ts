import { X509Certificate } from 'node:crypto';
import { ApiError } from '../../domain/errors.js';
import { BINDING, NS, childElements, descendants, is, parseUntrustedXml } from './xml-document.js';

/** What this service provider needs from an IdP's metadata (identity.md §2.7 "Accepted metadata"). */
export interface IdpMetadata {
  entityId: string;
  /** SingleSignOnService locations by binding; at least one is set. */
  ssoRedirectUrl?: string;
  ssoPostUrl?: string;
  /** Signing certificates (`use="signing"` or no `use`), all accepted for signatures (rollover). */
  certificates: { pem: string; sha256Fingerprint: string; notAfter: string | null }[];
}

const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

/**
 * Parses IdP metadata XML: one EntityDescriptor (alone or as the only one in an EntitiesDescriptor) with an
 * IDPSSODescriptor supporting SAML 2.0, at least one signing certificate and a SingleSignOnService with the
 * HTTP-Redirect or HTTP-POST binding. Throws ApiError('SAML_METADATA_INVALID', <what is missing>).
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const parsed = parseUntrustedXml(xml);
  if ('error' in parsed) throw invalid(parsed.error);
  const entity = entityDescriptor(parsed.root);
  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw invalid('the EntityDescriptor has no entityID');
  const idp = childElements(entity, NS.metadata, 'IDPSSODescriptor')
    .find((descriptor) => (descriptor.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL));
  if (!idp) throw invalid(`no IDPSSODescriptor supporting ${SAML2_PROTOCOL}`);

  const certificates: IdpMetadata['certificates'] = [];
  for (const keyDescriptor of childElements(idp, NS.metadata, 'KeyDescriptor')) {
    const use = keyDescriptor.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const element of descendants(keyDescriptor, NS.dsig, 'X509Certificate')) {
      const certificate = readCertificate(element.textContent ?? '');
      if (!certificates.some((known) => known.sha256Fingerprint === certificate.sha256Fingerprint)) certificates.push(certificate);
    }
  }
  if (certificates.length === 0) throw invalid('no signing certificate (KeyDescriptor use="signing" or without use, with an X509Certificate)');

  const services = childElements(idp, NS.metadata, 'SingleSignOnService');
  const location = (binding: string) => services.find((service) => service.getAttribute('Binding') === binding)?.getAttribute('Location')?.trim() || undefined;
  const ssoRedirectUrl = location(BINDING.redirect);
  const ssoPostUrl = location(BINDING.post);
  if (!ssoRedirectUrl && !ssoPostUrl) throw invalid('no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding');
  for (const url of [ssoRedirectUrl, ssoPostUrl]) {
    if (url !== undefined && !isHttpUrl(url)) throw invalid(`the SingleSignOnService Location ${JSON.stringify(url.slice(0, 200))} is not an http(s) URL`);
  }

  return {
    entityId,
    ...(ssoRedirectUrl ? { ssoRedirectUrl } : {}),
    ...(ssoPostUrl ? { ssoPostUrl } : {}),
    certificates,
  };
}

function entityDescriptor(root: Element): Element {
  if (is(root, NS.metadata, 'EntityDescriptor')) return root;
  if (is(root, NS.metadata, 'EntitiesDescriptor')) {
    const entities = descendants(root, NS.metadata, 'EntityDescriptor');
    if (entities.length === 1) return entities[0]!;
    throw invalid(entities.length === 0 ? 'no EntityDescriptor' : `${entities.length} EntityDescriptors; give the metadata of one IdP`);
  }
  throw invalid(`the root element is ${root.localName ?? root.nodeName}, not a SAML 2.0 metadata EntityDescriptor`);
}

function readCertificate(text: string): IdpMetadata['certificates'][number] {
  const body = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalid('an X509Certificate is not base64');
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalid('an X509Certificate is not a valid certificate');
  }
  const notAfter = Date.parse(certificate.validTo);
  return {
    pem,
    sha256Fingerprint: certificate.fingerprint256,
    notAfter: Number.isNaN(notAfter) ? null : new Date(notAfter).toISOString(),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function invalid(detail: string): ApiError {
  return new ApiError('SAML_METADATA_INVALID', `invalid IdP metadata: ${detail}`);
}
