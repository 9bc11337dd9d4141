import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.js';
import { decodeSamlResponse, insertCommentInNameId, tamperAttributeValue, wrapSignature, XSW_VARIANTS } from '../helpers/saml-idp.js';
import { createSamlFixture, refusal, type SamlFixture } from './saml-fixture.js';

let f: SamlFixture;
beforeAll(async () => { f = await createSamlFixture(); });

describe('validateSamlResponse: signatures (401 SAML_SIGNATURE_INVALID)', () => {
  it('an unsigned response', async () => {
    expect((await refusal(f.validate(await f.respond({ signAssertion: false })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a response signed only as a whole: the assertion itself must be signed', async () => {
    expect((await refusal(f.validate(await f.respond({ signAssertion: false, signResponse: true })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a signature by a key the metadata does not publish (its certificate rides along in KeyInfo, to no avail)', async () => {
    expect((await refusal(f.validate(await f.respond({ signingKey: f.otherKey })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a response signature that does not verify is refused even though the assertion signature does', async () => {
    const signed = decodeSamlResponse(await f.respond({ signResponse: true }));
    // The Response signature comes first in the document: damage its value, keep the assertion's intact.
    const broken = signed.replace(/<ds:SignatureValue>([A-Za-z0-9+/])/, (_, first: string) => `<ds:SignatureValue>${first === 'A' ? 'B' : 'A'}`);
    expect(broken).not.toBe(signed);
    expect((await refusal(f.validate(Buffer.from(broken).toString('base64')))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('RSA-SHA1, although xml-crypto would verify it', async () => {
    const { code, detail } = await refusal(f.validate(await f.respond({ signatureAlgorithm: 'sha1' })));
    expect(code).toBe('SAML_SIGNATURE_INVALID');
    expect(detail).toMatch(/RSA-SHA1/);
  });

  it('a tampered attribute value (team-ml → ax-admins) breaks the digest', async () => {
    const tampered = tamperAttributeValue(await f.respond(), 'team-ml', 'ax-admins');
    expect((await refusal(f.validate(tampered))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a comment inside the NameID (alice@example<!---->.test) is refused, although canonicalization would let it verify', async () => {
    const { code, detail } = await refusal(f.validate(insertCommentInNameId(await f.respond())));
    expect(code).toBe('SAML_SIGNATURE_INVALID');
    expect(detail).toMatch(/comment/);
  });

  for (const variant of XSW_VARIANTS) {
    const responseSigned = variant === 'XSW1' || variant === 'XSW2';
    // XSW3 and XSW5 leave two assertions side by side in the Response: that shape is refused before any signature.
    const expected: ErrorCode = variant === 'XSW3' || variant === 'XSW5' ? 'SAML_RESPONSE_MALFORMED' : 'SAML_SIGNATURE_INVALID';
    it(`signature wrapping ${variant} → ${expected}, and the evil copy is never read`, async () => {
      const valid = await f.respond(responseSigned ? { signResponse: true, signAssertion: false } : {});
      const wrapped = wrapSignature(valid, variant, { email: 'mallory@example.test', attributes: { group: ['ax-admins'] } });
      expect(decodeSamlResponse(wrapped)).toContain('mallory@example.test');
      expect((await refusal(f.validate(wrapped))).code).toBe(expected);
    });
  }

  it('a copy of the assertion in a foreign namespace, or an Assertion hidden in the Status, is wrapping too', async () => {
    const xml = decodeSamlResponse(await f.respond());
    const copy = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0]
      .replace(/saml:/g, 'evil:').replace('<evil:Assertion ', '<evil:Assertion xmlns:evil="urn:evil" ');
    for (const wrapped of [xml.replace('</samlp:Response>', `${copy}</samlp:Response>`), xml.replace('</samlp:Status>', `${copy}</samlp:Status>`)]) {
      expect((await refusal(f.validate(Buffer.from(wrapped).toString('base64')))).code).toBe('SAML_SIGNATURE_INVALID');
    }
  });

  it('XSW1 and XSW2 on a response whose assertion is signed too', async () => {
    const valid = await f.respond({ signResponse: true });
    for (const variant of ['XSW1', 'XSW2'] as const) {
      const wrapped = wrapSignature(valid, variant, { email: 'mallory@example.test' });
      expect((await refusal(f.validate(wrapped))).code).toBe('SAML_SIGNATURE_INVALID');
    }
  });
});
