import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ErrorCode } from '../../src/domain/errors.js';
import {
  generateSpKeyPair, type IdpMetadata, parseIdpMetadata, peekSamlResponse, type SpSettings, validateSamlResponse,
} from '../../src/sso/saml/index.js';
import {
  decodeSamlResponse, duplicateAssertion, generateTestKeyPair, insertCommentInNameId, type LoginResponseOptions, NAMEID_FORMAT,
  SamlTestIdp, tamperAttributeValue, type TestKeyPair, wrapInEncryptedAssertion, wrapSignature, XSW_VARIANTS,
} from '../helpers/saml-idp.js';

const REQUEST_ID = '_3f1c0ffee0ddba11';
const MINUTE = 60_000;

let idp: SamlTestIdp;
let idpMetadata: IdpMetadata;
let sp: SpSettings;
let otherKey: TestKeyPair;

beforeAll(async () => {
  [idp, otherKey] = await Promise.all([SamlTestIdp.create(), generateTestKeyPair('attacker')]);
  idpMetadata = parseIdpMetadata(idp.metadataXml());
  sp = { entityId: 'http://127.0.0.1:4010', acsUrl: 'http://127.0.0.1:4010/auth/v2/saml', ...await generateSpKeyPair() };
});

const ALICE: LoginResponseOptions = {
  email: 'Alice@Example.test', name: 'Alice Example', attributes: { group: ['team-ml', 'my-admins'], dept: ['research'] }, inResponseTo: REQUEST_ID,
};

async function respond(options: Partial<LoginResponseOptions> = {}): Promise<string> {
  return idp.loginResponse(sp, { ...ALICE, ...options });
}

function validate(samlResponseB64: string, overrides: { expectedRequestId?: string | undefined; idp?: IdpMetadata; now?: Date } = {}) {
  return validateSamlResponse({
    samlResponseB64, sp, idp: overrides.idp ?? idpMetadata,
    expectedRequestId: 'expectedRequestId' in overrides ? overrides.expectedRequestId : REQUEST_ID,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: ErrorCode; detail: string | undefined }> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { code: error.code, detail: error.detail };
}

describe('validateSamlResponse: an accepted login', () => {
  it('reads the NameID (lower-cased email), Name and every multi-valued attribute from the signed assertion', async () => {
    const before = Date.now();
    const verified = await validate(await respond());
    expect(verified).toMatchObject({
      inResponseTo: REQUEST_ID,
      issuer: idp.entityId,
      nameId: 'Alice@Example.test',
      nameIdFormat: NAMEID_FORMAT.emailAddress,
      email: 'alice@example.test',
      name: 'Alice Example',
      attributes: { Name: ['Alice Example'], group: ['team-ml', 'my-admins'], dept: ['research'] },
    });
    expect(verified.assertionId).toMatch(/^_[0-9a-f]{32}$/);
    // The replay guard must remember the assertion until it would be refused anyway (here: NotOnOrAfter, 5 min).
    const until = Date.parse(verified.notOnOrAfter);
    expect(until).toBeGreaterThanOrEqual(before + 5 * MINUTE - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 5 * MINUTE);
  });

  it('a single-valued attribute is still a list; the WS-Federation name claim is the name; an unspecified NameID holding an email is accepted', async () => {
    const verified = await validate(await respond({
      name: undefined, attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['Bob B'], group: ['solo'] },
      email: 'bob@example.test', nameIdFormat: NAMEID_FORMAT.unspecified,
    }));
    expect(verified).toMatchObject({ email: 'bob@example.test', name: 'Bob B', nameIdFormat: NAMEID_FORMAT.unspecified });
    expect(verified.attributes['group']).toEqual(['solo']);
  });

  it('no attributes at all: an empty map and no name', async () => {
    const verified = await validate(await respond({ name: undefined, attributes: {} }));
    expect(verified.attributes).toEqual({});
    expect(verified.name).toBeUndefined();
  });

  it('a response signed as a whole and in its assertion, with RSA-SHA512, verifies', async () => {
    const verified = await validate(await respond({ signResponse: true, signatureAlgorithm: 'sha512' }));
    expect(verified.email).toBe('alice@example.test');
  });

  it('any signing certificate of the metadata verifies (rollover: the IdP signs with its new key)', async () => {
    const rolled = parseIdpMetadata(idp.metadataXml({ extraCertificates: [otherKey.certificatePem] }));
    expect(rolled.certificates).toHaveLength(2);
    const verified = await validate(await respond({ signingKey: otherKey }), { idp: rolled });
    expect(verified.email).toBe('alice@example.test');
  });

  it('an IdP-initiated response (no InResponseTo) validates when no request is expected', async () => {
    const verified = await validate(await respond({ inResponseTo: undefined }), { expectedRequestId: undefined });
    expect(verified.inResponseTo).toBeUndefined();
    expect(verified.email).toBe('alice@example.test');
  });

  it('the signature verifies with xmlsec1 too (an independent oracle on the same bytes)', async (context) => {
    if (!existsSync('/usr/bin/xmlsec1')) context.skip();
    const dir = mkdtempSync(join(tmpdir(), 'saml-oracle-'));
    try {
      writeFileSync(join(dir, 'response.xml'), decodeSamlResponse(await respond()));
      writeFileSync(join(dir, 'idp.crt'), idp.key.certificatePem);
      const output = execFileSync('xmlsec1', [
        '--verify', '--pubkey-cert-pem', join(dir, 'idp.crt'), '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
        join(dir, 'response.xml'),
      ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateSamlResponse: signatures (401 SAML_SIGNATURE_INVALID)', () => {
  it('an unsigned response', async () => {
    expect((await refusal(validate(await respond({ signAssertion: false })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a response signed only as a whole: the assertion itself must be signed', async () => {
    expect((await refusal(validate(await respond({ signAssertion: false, signResponse: true })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a signature by a key the metadata does not publish (its certificate rides along in KeyInfo, to no avail)', async () => {
    expect((await refusal(validate(await respond({ signingKey: otherKey })))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a response signature that does not verify is refused even though the assertion signature does', async () => {
    const signed = decodeSamlResponse(await respond({ signResponse: true }));
    // The Response signature comes first in the document: damage its value, keep the assertion's intact.
    const broken = signed.replace(/<ds:SignatureValue>([A-Za-z0-9+/])/, (_, first: string) => `<ds:SignatureValue>${first === 'A' ? 'B' : 'A'}`);
    expect(broken).not.toBe(signed);
    expect((await refusal(validate(Buffer.from(broken).toString('base64')))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('RSA-SHA1, although xml-crypto would verify it', async () => {
    const { code, detail } = await refusal(validate(await respond({ signatureAlgorithm: 'sha1' })));
    expect(code).toBe('SAML_SIGNATURE_INVALID');
    expect(detail).toMatch(/RSA-SHA1/);
  });

  it('a tampered attribute value (team-ml → ax-admins) breaks the digest', async () => {
    const tampered = tamperAttributeValue(await respond(), 'team-ml', 'ax-admins');
    expect((await refusal(validate(tampered))).code).toBe('SAML_SIGNATURE_INVALID');
  });

  it('a comment inside the NameID (alice@example<!---->.test) is refused, although canonicalization would let it verify', async () => {
    const { code, detail } = await refusal(validate(insertCommentInNameId(await respond())));
    expect(code).toBe('SAML_SIGNATURE_INVALID');
    expect(detail).toMatch(/comment/);
  });

  for (const variant of XSW_VARIANTS) {
    const responseSigned = variant === 'XSW1' || variant === 'XSW2';
    // XSW3 and XSW5 leave two assertions side by side in the Response: that shape is refused before any signature.
    const expected: ErrorCode = variant === 'XSW3' || variant === 'XSW5' ? 'SAML_RESPONSE_MALFORMED' : 'SAML_SIGNATURE_INVALID';
    it(`signature wrapping ${variant} → ${expected}, and the evil copy is never read`, async () => {
      const valid = await respond(responseSigned ? { signResponse: true, signAssertion: false } : {});
      const wrapped = wrapSignature(valid, variant, { email: 'mallory@example.test', attributes: { group: ['ax-admins'] } });
      expect(decodeSamlResponse(wrapped)).toContain('mallory@example.test');
      expect((await refusal(validate(wrapped))).code).toBe(expected);
    });
  }

  it('XSW1 and XSW2 on a response whose assertion is signed too', async () => {
    const valid = await respond({ signResponse: true });
    for (const variant of ['XSW1', 'XSW2'] as const) {
      const wrapped = wrapSignature(valid, variant, { email: 'mallory@example.test' });
      expect((await refusal(validate(wrapped))).code).toBe('SAML_SIGNATURE_INVALID');
    }
  });
});

describe('validateSamlResponse: who, for whom, when', () => {
  it('an Issuer other than the IdP entity id → SAML_ISSUER_MISMATCH', async () => {
    expect((await refusal(validate(await respond({ issuer: 'https://evil.example.test' })))).code).toBe('SAML_ISSUER_MISMATCH');
  });

  it('metadata of another IdP entity with the same key → SAML_ISSUER_MISMATCH', async () => {
    const other = parseIdpMetadata(idp.metadataXml({ entityId: 'https://other-idp.example.test' }));
    expect((await refusal(validate(await respond(), { idp: other }))).code).toBe('SAML_ISSUER_MISMATCH');
  });

  it('a wrong Audience, or a response made for another SP → SAML_AUDIENCE_MISMATCH', async () => {
    expect((await refusal(validate(await respond({ audience: 'https://other-sp.example.test' })))).code).toBe('SAML_AUDIENCE_MISMATCH');
    const forAnotherSp = await idp.loginResponse({ entityId: 'https://other-sp.example.test', acsUrl: sp.acsUrl }, ALICE);
    expect((await refusal(validate(forAnotherSp))).code).toBe('SAML_AUDIENCE_MISMATCH');
  });

  it('a wrong Destination → SAML_DESTINATION_MISMATCH; an absent Destination is fine', async () => {
    expect((await refusal(validate(await respond({ destination: 'https://other-sp.example.test/acs' })))).code).toBe('SAML_DESTINATION_MISMATCH');
    expect((await validate(await respond({ destination: null }))).email).toBe('alice@example.test');
  });

  it('a wrong SubjectConfirmationData Recipient → SAML_DESTINATION_MISMATCH', async () => {
    expect((await refusal(validate(await respond({ recipient: 'https://other-sp.example.test/acs' })))).code).toBe('SAML_DESTINATION_MISMATCH');
  });

  it('NotOnOrAfter passed → SAML_EXPIRED (on the real clock and on an injected one)', async () => {
    const past = new Date(Date.now() - 3 * MINUTE);
    expect((await refusal(validate(await respond({ issueInstant: past, notOnOrAfter: new Date(Date.now() - 2 * MINUTE) })))).code).toBe('SAML_EXPIRED');
    const fresh = await respond();
    expect((await refusal(validate(fresh, { now: new Date(Date.now() + 7 * MINUTE) }))).code).toBe('SAML_EXPIRED');
  });

  it('NotBefore in the future (beyond the 60 s skew) → SAML_EXPIRED; within the skew is accepted', async () => {
    expect((await refusal(validate(await respond({ notBefore: new Date(Date.now() + 3 * MINUTE) })))).code).toBe('SAML_EXPIRED');
    expect((await validate(await respond({ notBefore: new Date(Date.now() + 30_000) }))).email).toBe('alice@example.test');
  });

  it('a subject confirmation that has expired while the conditions have not → SAML_EXPIRED', async () => {
    const response = await respond({ issueInstant: new Date(Date.now() - 2 * MINUTE), subjectNotOnOrAfter: new Date(Date.now() - 90_000) });
    expect((await refusal(validate(response))).code).toBe('SAML_EXPIRED');
  });

  it('IssueInstant older than 5 minutes → SAML_EXPIRED, even when its conditions run longer', async () => {
    const response = await respond({ issueInstant: new Date(Date.now() - 7 * MINUTE), notBefore: new Date(Date.now() - 7 * MINUTE), notOnOrAfter: new Date(Date.now() + 60 * MINUTE) });
    const { code, detail } = await refusal(validate(response));
    expect(code).toBe('SAML_EXPIRED');
    expect(detail).toMatch(/5 minutes/);
  });

  it('an IdP status other than Success → SAML_IDP_STATUS with the status URN, with or without an assertion', async () => {
    const failed = 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed';
    expect(await refusal(validate(await respond({ status: failed, omitAssertion: true })))).toEqual({ code: 'SAML_IDP_STATUS', detail: failed });
    expect(await refusal(validate(await respond({ status: failed })))).toEqual({ code: 'SAML_IDP_STATUS', detail: failed });
    expect(await refusal(validate(await respond({ status: 'urn:x:<script>', omitAssertion: true })))).toEqual({
      code: 'SAML_IDP_STATUS', detail: 'the identity provider did not answer Success',
    });
  });
});

describe('validateSamlResponse: InResponseTo (SAML_REPLAYED)', () => {
  it('a response to another request', async () => {
    expect((await refusal(validate(await respond({ inResponseTo: '_another_request' })))).code).toBe('SAML_REPLAYED');
  });

  it('a solicited login that receives a response without InResponseTo', async () => {
    expect((await refusal(validate(await respond({ inResponseTo: undefined })))).code).toBe('SAML_REPLAYED');
  });

  it('an unsolicited validation of a response that answers a request', async () => {
    expect((await refusal(validate(await respond(), { expectedRequestId: undefined }))).code).toBe('SAML_REPLAYED');
  });
});

describe('validateSamlResponse: the NameID (400 SAML_NAMEID_INVALID)', () => {
  it('missing, not an email, or another format', async () => {
    for (const options of [{ nameId: '' }, { nameId: 'alice' }, { nameId: 'alice@', nameIdFormat: NAMEID_FORMAT.unspecified }, { nameIdFormat: NAMEID_FORMAT.persistent }]) {
      expect((await refusal(validate(await respond(options)))).code).toBe('SAML_NAMEID_INVALID');
    }
  });
});

describe('peekSamlResponse and the shape of a response (400 SAML_RESPONSE_MALFORMED)', () => {
  it('reads InResponseTo and Issuer without verifying anything', async () => {
    expect(peekSamlResponse(await respond())).toEqual({ inResponseTo: REQUEST_ID, issuer: idp.entityId });
    expect(peekSamlResponse(await respond({ inResponseTo: undefined, signAssertion: false }))).toEqual({ issuer: idp.entityId });
  });

  it('an IdP error without an assertion is a well-formed response', async () => {
    expect(peekSamlResponse(await respond({ status: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', omitAssertion: true }))).toEqual({
      inResponseTo: REQUEST_ID, issuer: idp.entityId,
    });
  });

  const xml = (text: string) => Buffer.from(text).toString('base64');
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['not base64', () => 'not base64!', /not base64/],
    ['empty', () => '', /empty/],
    ['not XML', () => xml('hello, world'), /XML/],
    ['truncated XML', async () => xml(decodeSamlResponse(await respond()).slice(0, 200)), /XML/],
    ['a DOCTYPE', () => xml('<!DOCTYPE r [<!ENTITY a "aaaa">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>'), /DOCTYPE/],
    ['not a Response', () => xml('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), /AuthnRequest, not a SAML 2.0 Response/],
    ['a Response in no namespace', () => xml('<Response/>'), /not a SAML 2.0 Response/],
    ['no assertion with status Success', async () => respond({ omitAssertion: true }), /no Assertion/],
    ['two assertions', async () => duplicateAssertion(await respond()), /2 assertions/],
    ['an encrypted assertion', async () => wrapInEncryptedAssertion(await respond()), /encrypted assertions are not supported/],
    ['more than 256 KiB decoded', () => xml(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${'x'.repeat(256 * 1024)}</samlp:Response>`), /256 KiB/],
  ];
  for (const [name, make, detail] of cases) {
    it(`${name} → SAML_RESPONSE_MALFORMED, from peek and from validate`, async () => {
      const input = await make();
      let peeked: unknown;
      try { peekSamlResponse(input); } catch (error) { peeked = error; }
      expect(peeked).toBeInstanceOf(ApiError);
      expect((peeked as ApiError).code).toBe('SAML_RESPONSE_MALFORMED');
      expect((peeked as ApiError).detail).toMatch(detail);
      expect((await refusal(validate(input))).code).toBe('SAML_RESPONSE_MALFORMED');
    });
  }

  it('line breaks inside the base64 (as some IdPs wrap it) are fine', async () => {
    const wrapped = (await respond()).replace(/.{76}/g, '$&\r\n');
    expect(peekSamlResponse(wrapped).inResponseTo).toBe(REQUEST_ID);
    expect((await validate(wrapped)).email).toBe('alice@example.test');
  });

  it('a refusal never echoes the assertion', async () => {
    const { detail } = await refusal(validate(await respond({ audience: 'https://other-sp.example.test' })));
    expect(detail).not.toMatch(/alice|other-sp/i);
  });
});
