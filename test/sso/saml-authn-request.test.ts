import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthnRequest, generateSpKeyPair, type IdpMetadata, parseIdpMetadata, renderAutoSubmitForm, serviceProviderMetadata, type SpSettings,
} from '../../src/sso/saml/index.js';
import { NAMEID_FORMAT, SamlTestIdp } from '../helpers/saml-idp.js';

let idp: SamlTestIdp;
let sp: SpSettings;
let redirectIdp: IdpMetadata;
let postOnlyIdp: IdpMetadata;

beforeAll(async () => {
  [idp, sp] = await Promise.all([
    SamlTestIdp.create({ ssoUrl: 'https://idp.example.test/sso?tenant=acme' }),
    generateSpKeyPair().then((keys) => ({ entityId: 'http://127.0.0.1:4010', acsUrl: 'http://127.0.0.1:4010/auth/v2/saml', ...keys })),
  ]);
  redirectIdp = parseIdpMetadata(idp.metadataXml());
  postOnlyIdp = parseIdpMetadata(idp.metadataXml({ bindings: ['post'] }));
});

const REQUEST = { requestId: '_8e2ab4c1d0f7', relayState: 'attempt-42' };

describe('buildAuthnRequest: HTTP-Redirect (identity.md §2.2 step 2)', () => {
  it('carries the request id, Destination, ACS, Issuer, emailAddress NameIDPolicy with AllowCreate, no RequestedAuthnContext, and the RelayState', async () => {
    const delivery = await buildAuthnRequest(sp, redirectIdp, { ...REQUEST, sign: false });
    expect(delivery.kind).toBe('redirect');
    const url = new URL(delivery.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://idp.example.test/sso');
    expect(url.searchParams.get('tenant')).toBe('acme');
    expect(url.searchParams.has('Signature')).toBe(false);
    const request = await idp.readAuthnRequest(delivery.url);
    expect(request).toMatchObject({
      id: REQUEST.requestId,
      issuer: sp.entityId,
      destination: 'https://idp.example.test/sso?tenant=acme',
      acsUrl: sp.acsUrl,
      protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
      nameIdFormat: NAMEID_FORMAT.emailAddress,
      allowCreate: 'true',
      hasRequestedAuthnContext: false,
      relayState: REQUEST.relayState,
      signed: false,
    });
  });

  it('signed: RSA-SHA256 over the query, which samlify verifies with the certificate from our SP metadata', async () => {
    const delivery = await buildAuthnRequest(sp, redirectIdp, { ...REQUEST, sign: true });
    const url = new URL(delivery.url);
    expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const spMetadataXml = serviceProviderMetadata(sp, { authnRequestsSigned: true });
    expect(await idp.readAuthnRequest(delivery.url, { spMetadataXml })).toMatchObject({ id: REQUEST.requestId, signed: true });

    url.searchParams.set('RelayState', 'another-attempt');
    await expect(idp.readAuthnRequest(url.toString(), { spMetadataXml })).rejects.toThrow(/SIGNATURE/);
  });

  it('refuses a request id that is not an XML ID', async () => {
    await expect(buildAuthnRequest(sp, redirectIdp, { requestId: '1-not-an-id', relayState: 'x', sign: false })).rejects.toThrow(TypeError);
  });
});

describe('buildAuthnRequest: HTTP-POST when the IdP offers only that', () => {
  it('a form for the POST endpoint with SAMLRequest (base64, not deflated) and RelayState', async () => {
    const delivery = await buildAuthnRequest(sp, postOnlyIdp, { ...REQUEST, sign: false });
    if (delivery.kind !== 'post') throw new Error('expected a POST delivery');
    expect(delivery.url).toBe('https://idp.example.test/sso?tenant=acme');
    expect(Object.keys(delivery.fields).sort()).toEqual(['RelayState', 'SAMLRequest']);
    expect(Buffer.from(delivery.fields['SAMLRequest']!, 'base64').toString('utf8')).toMatch(/^<\?xml|^<samlp:AuthnRequest/);
    const request = await idp.readAuthnRequest({ SAMLRequest: delivery.fields['SAMLRequest']!, RelayState: delivery.fields['RelayState']! });
    expect(request).toMatchObject({ id: REQUEST.requestId, acsUrl: sp.acsUrl, relayState: REQUEST.relayState, signed: false, hasRequestedAuthnContext: false });
  });

  it('signed: an enveloped RSA-SHA256 XML signature that samlify verifies', async () => {
    const delivery = await buildAuthnRequest(sp, postOnlyIdp, { ...REQUEST, sign: true });
    if (delivery.kind !== 'post') throw new Error('expected a POST delivery');
    const xml = Buffer.from(delivery.fields['SAMLRequest']!, 'base64').toString('utf8');
    expect(xml).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const request = await idp.readAuthnRequest({ SAMLRequest: delivery.fields['SAMLRequest']! }, { spMetadataXml: serviceProviderMetadata(sp, { authnRequestsSigned: true }) });
    expect(request).toMatchObject({ id: REQUEST.requestId, signed: true });
  });
});

describe('renderAutoSubmitForm', () => {
  it('escapes every value, and its policy allows exactly its own script', () => {
    const page = renderAutoSubmitForm({ url: 'https://idp.example.test/sso?a=1&b="2"', fields: { SAMLRequest: 'PHg+"<script>alert(1)</script>', 'Relay"State': "it's & <b>" } });
    expect(page.html).toContain('action="https://idp.example.test/sso?a=1&amp;b=&quot;2&quot;"');
    expect(page.html).toContain('value="PHg+&quot;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.html).toContain('name="Relay&quot;State" value="it&#39;s &amp; &lt;b&gt;"');
    expect(page.html.match(/<script>/g)).toHaveLength(1);
    const script = /<script>(.*)<\/script>/.exec(page.html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(page.contentSecurityPolicy).toContain(`script-src 'sha256-${hash}'`);
    expect(page.contentSecurityPolicy).toContain("default-src 'none'");
    expect(page.html).toContain('<noscript>');
  });
});
