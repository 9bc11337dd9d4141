import { BINDING, NAMEID_FORMAT, NS, escapeXml } from './xml-document.js';

/** This server as a SAML service provider (identity.md §2.1). */
export interface SpSettings {
  /** `{public_url}`: the EntityID and the audience IdPs must assert. */
  entityId: string;
  /** `{public_url}/auth/v2/saml`. */
  acsUrl: string;
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * The SP metadata XML of identity.md §2.1: one SPSSODescriptor with WantAssertionsSigned="true",
 * AuthnRequestsSigned as asked, the signing certificate, the emailAddress NameID format and the ACS (HTTP-POST).
 */
export function serviceProviderMetadata(sp: SpSettings, options: { authnRequestsSigned: boolean }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${escapeXml(sp.entityId)}">`,
    `  <md:SPSSODescriptor AuthnRequestsSigned="${options.authnRequestsSigned}" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">`,
    '    <md:KeyDescriptor use="signing">',
    `      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(sp.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    '    </md:KeyDescriptor>',
    `    <md:NameIDFormat>${NAMEID_FORMAT.emailAddress}</md:NameIDFormat>`,
    `    <md:AssertionConsumerService Binding="${BINDING.post}" Location="${escapeXml(sp.acsUrl)}" index="0" isDefault="true"/>`,
    '  </md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
}

/** The base64 DER of a PEM certificate, as X509Certificate elements carry it. */
function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
