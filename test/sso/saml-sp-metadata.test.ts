import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as samlify from 'samlify';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSpKeyPair, serviceProviderMetadata, type SpSettings } from '../../src/sso/saml/index.js';

let sp: SpSettings;

beforeAll(async () => {
  sp = { entityId: 'https://ax.example.test', acsUrl: 'https://ax.example.test/auth/v2/saml', ...await generateSpKeyPair() };
});

describe('generateSpKeyPair', () => {
  it('RSA 2048, a self-signed certificate for 10 years that belongs to the key', () => {
    const key = createPrivateKey(sp.privateKeyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const certificate = new X509Certificate(sp.certificatePem);
    expect(certificate.checkPrivateKey(key)).toBe(true);
    expect(certificate.issuer).toBe(certificate.subject);
    const years = (Date.parse(certificate.validTo) - Date.now()) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
  });
});

describe('serviceProviderMetadata (identity.md §2.1)', () => {
  it('as samlify reads it: entity id, ACS with HTTP-POST, WantAssertionsSigned, AuthnRequestsSigned as asked, our certificate', () => {
    for (const authnRequestsSigned of [true, false]) {
      const xml = serviceProviderMetadata(sp, { authnRequestsSigned });
      const metadata = samlify.ServiceProvider({ metadata: xml }).entityMeta;
      expect(metadata.getEntityID()).toBe(sp.entityId);
      expect(metadata.getAssertionConsumerService('post')).toBe(sp.acsUrl);
      expect(metadata.isWantAssertionsSigned()).toBe(true);
      expect(metadata.isAuthnRequestSigned()).toBe(authnRequestsSigned);
      const published = new X509Certificate(`-----BEGIN CERTIFICATE-----\n${String(metadata.getX509Certificate('signing'))}\n-----END CERTIFICATE-----`);
      expect(published.fingerprint256).toBe(new X509Certificate(sp.certificatePem).fingerprint256);
    }
  });

  it('the emailAddress NameID format, KeyDescriptor use="signing", and values escaped', () => {
    const xml = serviceProviderMetadata({ ...sp, entityId: 'https://ax.example.test/?a=1&b=2' }, { authnRequestsSigned: false });
    expect(xml).toContain('<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>');
    expect(xml).toContain('<md:KeyDescriptor use="signing">');
    expect(xml).toContain('entityID="https://ax.example.test/?a=1&amp;b=2"');
    expect(xml).not.toContain('PRIVATE KEY');
  });
});
