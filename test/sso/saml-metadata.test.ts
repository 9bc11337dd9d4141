import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { parseIdpMetadata } from '../../src/sso/saml/index.js';
import { generateTestKeyPair, SamlTestIdp, type TestKeyPair } from '../helpers/saml-idp.js';

let idp: SamlTestIdp;
let second: TestKeyPair;

beforeAll(async () => {
  [idp, second] = await Promise.all([SamlTestIdp.create({ ssoUrl: 'https://idp.example.test/sso/saml' }), generateTestKeyPair('rollover')]);
});

const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');

/** Hand-written metadata in the shapes real IdPs publish (prefixed or default namespace, several descriptors). */
function metadata(options: { keyDescriptors?: string; services?: string; protocols?: string; entityId?: string; wrap?: (xml: string) => string } = {}): string {
  const entity = [
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${options.entityId ?? 'https://idp.example.test/metadata'}">`,
    `<md:IDPSSODescriptor protocolSupportEnumeration="${options.protocols ?? 'urn:oasis:names:tc:SAML:1.1:protocol urn:oasis:names:tc:SAML:2.0:protocol'}">`,
    options.keyDescriptors ?? `<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(idp.key.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>',
    options.services ?? '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.test/sso/post"/>',
    '</md:IDPSSODescriptor>',
    '</md:EntityDescriptor>',
  ].join('\n');
  return options.wrap ? options.wrap(entity) : entity;
}

const keyDescriptor = (pem: string, use?: string) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${body(pem).match(/.{1,64}/g)!.join('\n')}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

function refusal(xml: string): string {
  try {
    parseIdpMetadata(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('SAML_METADATA_INVALID');
    return (error as ApiError).detail!;
  }
  throw new Error('metadata accepted');
}

describe('parseIdpMetadata: accepted metadata (identity.md §2.7)', () => {
  it('samlify\'s IdP metadata: entity id, both SSO bindings, the signing certificate with its fingerprint and expiry', () => {
    const parsed = parseIdpMetadata(idp.metadataXml());
    const certificate = new X509Certificate(idp.key.certificatePem);
    expect(parsed).toEqual({
      entityId: idp.entityId,
      ssoRedirectUrl: 'https://idp.example.test/sso/saml',
      ssoPostUrl: 'https://idp.example.test/sso/saml',
      certificates: [{ pem: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/), sha256Fingerprint: certificate.fingerprint256, notAfter: new Date(certificate.validTo).toISOString() }],
    });
    expect(new X509Certificate(parsed.certificates[0]!.pem).fingerprint256).toBe(certificate.fingerprint256);
  });

  it('only the binding the IdP offers is set', () => {
    expect(parseIdpMetadata(idp.metadataXml({ bindings: ['post'] }))).not.toHaveProperty('ssoRedirectUrl');
    expect(parseIdpMetadata(idp.metadataXml({ bindings: ['redirect'] }))).not.toHaveProperty('ssoPostUrl');
  });

  it('every signing certificate counts (rollover); use="encryption" ones do not; duplicates collapse; line-wrapped base64 is fine', () => {
    const parsed = parseIdpMetadata(metadata({
      keyDescriptors: [keyDescriptor(idp.key.certificatePem, 'signing'), keyDescriptor(second.certificatePem), keyDescriptor(idp.key.certificatePem), keyDescriptor(second.certificatePem, 'encryption')].join(''),
    }));
    expect(parsed.certificates.map((c) => c.sha256Fingerprint)).toEqual([
      new X509Certificate(idp.key.certificatePem).fingerprint256, new X509Certificate(second.certificatePem).fingerprint256,
    ]);
  });

  it('one EntityDescriptor inside an EntitiesDescriptor, and the default (unprefixed) namespace', () => {
    const wrapped = metadata({ wrap: (xml) => `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${xml}</md:EntitiesDescriptor>` });
    expect(parseIdpMetadata(wrapped).entityId).toBe('https://idp.example.test/metadata');
    const unprefixed = metadata().replace(/md:/g, '').replace('xmlns:md=', 'xmlns=');
    expect(parseIdpMetadata(unprefixed).ssoPostUrl).toBe('https://idp.example.test/sso/post');
  });
});

describe('parseIdpMetadata: refused metadata names what is missing (400 SAML_METADATA_INVALID)', () => {
  it('not XML, or a DOCTYPE', () => {
    expect(refusal('this is not xml')).toMatch(/XML/);
    expect(refusal(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>${metadata()}`)).toMatch(/DOCTYPE/);
  });

  it('another root element, or several entities', () => {
    expect(refusal('<html><body>Sign in</body></html>')).toMatch(/root element is html/);
    const two = metadata({ wrap: (xml) => `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${xml}${xml}</md:EntitiesDescriptor>` });
    expect(refusal(two)).toMatch(/2 EntityDescriptors/);
  });

  it('no entityID', () => {
    expect(refusal(metadata({ entityId: '' }))).toMatch(/no entityID/);
  });

  it('no IDPSSODescriptor for SAML 2.0 (an SP\'s metadata, or a SAML 1.1-only IdP)', () => {
    expect(refusal(metadata({ protocols: 'urn:oasis:names:tc:SAML:1.1:protocol' }))).toMatch(/no IDPSSODescriptor supporting urn:oasis:names:tc:SAML:2.0:protocol/);
    expect(refusal(metadata().replace(/IDPSSODescriptor/g, 'SPSSODescriptor'))).toMatch(/no IDPSSODescriptor/);
  });

  it('no signing certificate, or one that is not a certificate', () => {
    expect(refusal(metadata({ keyDescriptors: keyDescriptor(idp.key.certificatePem, 'encryption') }))).toMatch(/no signing certificate/);
    expect(refusal(metadata({ keyDescriptors: '' }))).toMatch(/no signing certificate/);
    expect(refusal(metadata({ keyDescriptors: keyDescriptor('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----') }))).toMatch(/not a valid certificate/);
    expect(refusal(metadata({ keyDescriptors: keyDescriptor('-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----') }))).toMatch(/not base64/);
  });

  it('no SingleSignOnService with HTTP-Redirect or HTTP-POST, or one that is not an http(s) URL', () => {
    expect(refusal(metadata({ services: '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example.test/soap"/>' })))
      .toMatch(/no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding/);
    expect(refusal(metadata({ services: '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="javascript:alert(1)"/>' })))
      .toMatch(/not an http\(s\) URL/);
  });
});
