import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/domain/errors.js';
import { parseIdpMetadata, peekSamlResponse } from '../../src/sso/saml/index.js';
import { decodeSamlResponse, duplicateAssertion, NAMEID_FORMAT, wrapInEncryptedAssertion } from '../helpers/saml-idp.js';
import { ALICE, createSamlFixture, MINUTE, refusal, REQUEST_ID, type SamlFixture } from './saml-fixture.js';

const XMLSEC1 = '/usr/bin/xmlsec1';

let f: SamlFixture;
beforeAll(async () => { f = await createSamlFixture(); });

describe('validateSamlResponse: an accepted login', () => {
  it('reads the NameID (lower-cased email), Name and every multi-valued attribute from the signed assertion', async () => {
    const before = Date.now();
    const verified = await f.validate(await f.respond());
    expect(verified).toMatchObject({
      inResponseTo: REQUEST_ID,
      issuer: f.idp.entityId,
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
    const verified = await f.validate(await f.respond({
      name: undefined, attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['Bob B'], group: ['solo'] },
      email: 'bob@example.test', nameIdFormat: NAMEID_FORMAT.unspecified,
    }));
    expect(verified).toMatchObject({ email: 'bob@example.test', name: 'Bob B', nameIdFormat: NAMEID_FORMAT.unspecified });
    expect(verified.attributes['group']).toEqual(['solo']);
  });

  it('no attributes at all: an empty map and no name', async () => {
    const verified = await f.validate(await f.respond({ name: undefined, attributes: {} }));
    expect(verified.attributes).toEqual({});
    expect(verified.name).toBeUndefined();
  });

  it('a response signed as a whole and in its assertion, with RSA-SHA512, verifies', async () => {
    const verified = await f.validate(await f.respond({ signResponse: true, signatureAlgorithm: 'sha512' }));
    expect(verified.email).toBe('alice@example.test');
  });

  it('any signing certificate of the metadata verifies (rollover: the IdP signs with its new key)', async () => {
    const rolled = parseIdpMetadata(f.idp.metadataXml({ extraCertificates: [f.otherKey.certificatePem] }));
    expect(rolled.certificates).toHaveLength(2);
    const verified = await f.validate(await f.respond({ signingKey: f.otherKey }), { idp: rolled });
    expect(verified.email).toBe('alice@example.test');
  });

  it('an IdP-initiated response (no InResponseTo) validates when no request is expected', async () => {
    const verified = await f.validate(await f.respond({ inResponseTo: undefined }), { expectedRequestId: undefined });
    expect(verified.inResponseTo).toBeUndefined();
    expect(verified.email).toBe('alice@example.test');
  });

  it('the signature verifies with xmlsec1 too (an independent oracle on the same bytes)', async (context) => {
    if (!existsSync(XMLSEC1)) context.skip();
    const dir = mkdtempSync(join(tmpdir(), 'saml-oracle-'));
    try {
      writeFileSync(join(dir, 'response.xml'), decodeSamlResponse(await f.respond()));
      writeFileSync(join(dir, 'idp.crt'), f.idp.key.certificatePem);
      const output = execFileSync(XMLSEC1, [
        '--verify', '--pubkey-cert-pem', join(dir, 'idp.crt'), '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
        join(dir, 'response.xml'),
      ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateSamlResponse: who, for whom, when', () => {
  it('an Issuer other than the IdP entity id → SAML_ISSUER_MISMATCH', async () => {
    expect((await refusal(f.validate(await f.respond({ issuer: 'https://evil.example.test' })))).code).toBe('SAML_ISSUER_MISMATCH');
  });

  it('metadata of another IdP entity with the same key → SAML_ISSUER_MISMATCH', async () => {
    const other = parseIdpMetadata(f.idp.metadataXml({ entityId: 'https://other-idp.example.test' }));
    expect((await refusal(f.validate(await f.respond(), { idp: other }))).code).toBe('SAML_ISSUER_MISMATCH');
  });

  it('a wrong Audience, or a response made for another SP → SAML_AUDIENCE_MISMATCH', async () => {
    expect((await refusal(f.validate(await f.respond({ audience: 'https://other-sp.example.test' })))).code).toBe('SAML_AUDIENCE_MISMATCH');
    const forAnotherSp = await f.idp.loginResponse({ entityId: 'https://other-sp.example.test', acsUrl: f.sp.acsUrl }, ALICE);
    expect((await refusal(f.validate(forAnotherSp))).code).toBe('SAML_AUDIENCE_MISMATCH');
  });

  it('a wrong Destination → SAML_DESTINATION_MISMATCH; an absent Destination is fine', async () => {
    expect((await refusal(f.validate(await f.respond({ destination: 'https://other-sp.example.test/acs' })))).code).toBe('SAML_DESTINATION_MISMATCH');
    expect((await f.validate(await f.respond({ destination: null }))).email).toBe('alice@example.test');
  });

  it('a wrong SubjectConfirmationData Recipient → SAML_DESTINATION_MISMATCH', async () => {
    expect((await refusal(f.validate(await f.respond({ recipient: 'https://other-sp.example.test/acs' })))).code).toBe('SAML_DESTINATION_MISMATCH');
  });

  it('NotOnOrAfter passed → SAML_EXPIRED (on the real clock and on an injected one)', async () => {
    const past = new Date(Date.now() - 3 * MINUTE);
    expect((await refusal(f.validate(await f.respond({ issueInstant: past, notOnOrAfter: new Date(Date.now() - 2 * MINUTE) })))).code).toBe('SAML_EXPIRED');
    const fresh = await f.respond();
    expect((await refusal(f.validate(fresh, { now: new Date(Date.now() + 7 * MINUTE) }))).code).toBe('SAML_EXPIRED');
  });

  it('NotBefore in the future (beyond the 60 s skew) → SAML_EXPIRED; within the skew is accepted', async () => {
    expect((await refusal(f.validate(await f.respond({ notBefore: new Date(Date.now() + 3 * MINUTE) })))).code).toBe('SAML_EXPIRED');
    expect((await f.validate(await f.respond({ notBefore: new Date(Date.now() + 30_000) }))).email).toBe('alice@example.test');
  });

  it('a subject confirmation that has expired while the conditions have not → SAML_EXPIRED', async () => {
    const response = await f.respond({ issueInstant: new Date(Date.now() - 2 * MINUTE), subjectNotOnOrAfter: new Date(Date.now() - 90_000) });
    expect((await refusal(f.validate(response))).code).toBe('SAML_EXPIRED');
  });

  it('IssueInstant older than 5 minutes → SAML_EXPIRED, even when its conditions run longer', async () => {
    const response = await f.respond({ issueInstant: new Date(Date.now() - 7 * MINUTE), notBefore: new Date(Date.now() - 7 * MINUTE), notOnOrAfter: new Date(Date.now() + 60 * MINUTE) });
    const { code, detail } = await refusal(f.validate(response));
    expect(code).toBe('SAML_EXPIRED');
    expect(detail).toMatch(/5 minutes/);
  });

  it('an IdP status other than Success → SAML_IDP_STATUS with the status URN, with or without an assertion', async () => {
    const failed = 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed';
    expect(await refusal(f.validate(await f.respond({ status: failed, omitAssertion: true })))).toEqual({ code: 'SAML_IDP_STATUS', detail: failed });
    expect(await refusal(f.validate(await f.respond({ status: failed })))).toEqual({ code: 'SAML_IDP_STATUS', detail: failed });
    expect(await refusal(f.validate(await f.respond({ status: 'urn:x:<script>', omitAssertion: true })))).toEqual({
      code: 'SAML_IDP_STATUS', detail: 'the identity provider did not answer Success',
    });
  });
});

describe('validateSamlResponse: InResponseTo (SAML_REPLAYED)', () => {
  it('a response to another request', async () => {
    expect((await refusal(f.validate(await f.respond({ inResponseTo: '_another_request' })))).code).toBe('SAML_REPLAYED');
  });

  it('a solicited login that receives a response without InResponseTo', async () => {
    expect((await refusal(f.validate(await f.respond({ inResponseTo: undefined })))).code).toBe('SAML_REPLAYED');
  });

  it('an unsolicited validation of a response that answers a request', async () => {
    expect((await refusal(f.validate(await f.respond(), { expectedRequestId: undefined }))).code).toBe('SAML_REPLAYED');
  });
});

describe('validateSamlResponse: the NameID (400 SAML_NAMEID_INVALID)', () => {
  it('missing, not an email, or another format', async () => {
    for (const options of [{ nameId: '' }, { nameId: 'alice' }, { nameId: 'alice@', nameIdFormat: NAMEID_FORMAT.unspecified }, { nameIdFormat: NAMEID_FORMAT.persistent }]) {
      expect((await refusal(f.validate(await f.respond(options)))).code).toBe('SAML_NAMEID_INVALID');
    }
  });
});

describe('peekSamlResponse and the shape of a response (400 SAML_RESPONSE_MALFORMED)', () => {
  it('reads InResponseTo and Issuer without verifying anything', async () => {
    expect(peekSamlResponse(await f.respond())).toEqual({ inResponseTo: REQUEST_ID, issuer: f.idp.entityId });
    expect(peekSamlResponse(await f.respond({ inResponseTo: undefined, signAssertion: false }))).toEqual({ issuer: f.idp.entityId });
  });

  it('an IdP error without an assertion is a well-formed response', async () => {
    expect(peekSamlResponse(await f.respond({ status: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed', omitAssertion: true }))).toEqual({
      inResponseTo: REQUEST_ID, issuer: f.idp.entityId,
    });
  });

  const xml = (text: string) => Buffer.from(text).toString('base64');
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['not base64', () => 'not base64!', /not base64/],
    ['empty', () => '', /empty/],
    ['not XML', () => xml('hello, world'), /XML/],
    ['truncated XML', async () => xml(decodeSamlResponse(await f.respond()).slice(0, 200)), /XML/],
    ['a DOCTYPE', () => xml('<!DOCTYPE r [<!ENTITY a "aaaa">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>'), /DOCTYPE/],
    ['not a Response', () => xml('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), /AuthnRequest, not a SAML 2.0 Response/],
    ['a Response in no namespace', () => xml('<Response/>'), /not a SAML 2.0 Response/],
    ['no assertion with status Success', async () => f.respond({ omitAssertion: true }), /no Assertion/],
    ['two assertions', async () => duplicateAssertion(await f.respond()), /2 assertions/],
    ['an encrypted assertion', async () => wrapInEncryptedAssertion(await f.respond()), /encrypted assertions are not supported/],
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
      expect((await refusal(f.validate(input))).code).toBe('SAML_RESPONSE_MALFORMED');
    });
  }

  it('line breaks inside the base64 (as some IdPs wrap it) are fine', async () => {
    const wrapped = (await f.respond()).replace(/.{76}/g, '$&\r\n');
    expect(peekSamlResponse(wrapped).inResponseTo).toBe(REQUEST_ID);
    expect((await f.validate(wrapped)).email).toBe('alice@example.test');
  });

  it('a refusal never echoes the assertion', async () => {
    const { detail } = await refusal(f.validate(await f.respond({ audience: 'https://other-sp.example.test' })));
    expect(detail).not.toMatch(/alice|other-sp/i);
  });
});
