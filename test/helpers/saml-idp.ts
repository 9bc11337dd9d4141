/**
 * A SAML identity provider for tests: samlify (code independent of the SP under test) in its IdP role, with a
 * `selfsigned` key. It publishes metadata, reads the server's AuthnRequest, answers with a SAMLResponse shaped by
 * the test (every field of the response can be changed), and turns a valid response into the classic attacks
 * (XML signature wrapping XSW1–XSW8, a tampered attribute, a comment inside the NameID, an encrypted assertion).
 *
 * ```ts
 * const idp = await SamlTestIdp.create();
 * // … create the IdP on the server with metadata_xml: idp.metadataXml() …
 * const login = await fetch(`${base}/auth/v2/saml/login?idp_id=${id}`, { redirect: 'manual' });
 * const answer = await idp.answer(login.headers.get('location')!, { email: 'alice@example.test', attributes: { group: ['team-ml'] } });
 * await fetch(answer.acsUrl, { method: 'POST', body: new URLSearchParams(answer.form) });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';

// samlify refuses to run without a schema validator; the IdP side of a test has nothing to validate against.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
};
const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
};
export const NAMEID_FORMAT = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
};
const SIGNATURE_ALGORITHM = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
};

export interface TestKeyPair { privateKeyPem: string; certificatePem: string }

/** An RSA 2048 key and a self-signed certificate (about 0.3 s). */
export async function generateTestKeyPair(commonName = 'test-idp'): Promise<TestKeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048, algorithm: 'sha256', notAfterDate: new Date(Date.now() + 2 * 86_400_000),
  });
  return { privateKeyPem: pems.private, certificatePem: pems.cert };
}

/** Where a response goes: the SP's entity id (the audience) and its ACS URL. */
export interface ServiceProviderTarget { entityId: string; acsUrl: string }

/** Everything a test may shape in a login response. Dates default to "now" and "now + 5 min". */
export interface LoginResponseOptions {
  email: string;
  /** Sent as the `Name` attribute. */
  name?: string;
  /** Attribute name → values (each value its own AttributeValue). */
  attributes?: Record<string, string[]>;
  /** The AuthnRequest ID this answers (Response and SubjectConfirmationData); omit for an IdP-initiated response. */
  inResponseTo?: string;
  /** NameID value when it should differ from `email` (e.g. not an email at all); `''` leaves the NameID out. */
  nameId?: string;
  nameIdFormat?: string;
  audience?: string;
  /** Response Destination; `null` leaves the attribute out. Default: the ACS. */
  destination?: string | null;
  /** SubjectConfirmationData Recipient. Default: the ACS. */
  recipient?: string;
  /** Issuer of the Response and the Assertion. Default: this IdP's entity id. */
  issuer?: string;
  issueInstant?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** SubjectConfirmationData NotOnOrAfter. Default: `notOnOrAfter`. */
  subjectNotOnOrAfter?: Date;
  /** A second-level status code URN (e.g. `…:status:AuthnFailed`); the top level is then `Responder`. */
  status?: string;
  /** Leave the Assertion out (IdPs answer errors that way). */
  omitAssertion?: boolean;
  /** Sign the Assertion (default true). */
  signAssertion?: boolean;
  /** Sign the Response (default false). Neither signed → a wholly unsigned response. */
  signResponse?: boolean;
  signatureAlgorithm?: keyof typeof SIGNATURE_ALGORITHM;
  /** Sign with this key instead of the one the metadata publishes. */
  signingKey?: TestKeyPair;
  assertionId?: string;
}

export interface ReceivedAuthnRequest {
  id: string;
  issuer: string;
  destination: string | undefined;
  acsUrl: string | undefined;
  protocolBinding: string | undefined;
  nameIdFormat: string | undefined;
  allowCreate: string | undefined;
  hasRequestedAuthnContext: boolean;
  relayState: string | undefined;
  /** Whether the request carried a signature (verified when `spMetadataXml` was given). */
  signed: boolean;
  xml: string;
}

/** The HTTP-POST binding form a browser would send to the ACS. */
export interface IdpAnswer { acsUrl: string; form: { SAMLResponse: string; RelayState?: string }; request: ReceivedAuthnRequest }

export class SamlTestIdp {
  readonly entityId: string;
  readonly ssoUrl: string;
  readonly key: TestKeyPair;

  private constructor(entityId: string, ssoUrl: string, key: TestKeyPair) {
    this.entityId = entityId;
    this.ssoUrl = ssoUrl;
    this.key = key;
  }

  static async create(options: { entityId?: string; ssoUrl?: string; key?: TestKeyPair } = {}): Promise<SamlTestIdp> {
    const entityId = options.entityId ?? `https://idp.example.test/${randomBytes(4).toString('hex')}`;
    return new SamlTestIdp(entityId, options.ssoUrl ?? `${entityId}/sso`, options.key ?? await generateTestKeyPair());
  }

  /**
   * The IdP metadata samlify publishes (KeyDescriptor use="signing", both SSO bindings unless told otherwise).
   * `extraCertificates` adds signing certificates (a rollover); `entityId` overrides the published entity id.
   */
  metadataXml(options: { bindings?: ('redirect' | 'post')[]; extraCertificates?: string[]; entityId?: string } = {}): string {
    const bindings = options.bindings ?? ['redirect', 'post'];
    const entity = samlify.IdentityProvider({
      entityID: options.entityId ?? this.entityId,
      signingCert: [this.key.certificatePem, ...(options.extraCertificates ?? [])],
      nameIDFormat: [NAMEID_FORMAT.emailAddress],
      singleSignOnService: bindings.map((binding) => ({ Binding: BINDING[binding], Location: this.ssoUrl })),
      singleLogoutService: [{ Binding: BINDING.redirect, Location: `${this.entityId}/slo` }],
    });
    return entity.getMetadata();
  }

  /**
   * Reads an AuthnRequest: an HTTP-Redirect URL (as the server's 302 Location) or HTTP-POST form fields. With
   * `spMetadataXml` (the server's SP metadata), samlify verifies the request's signature and rejects a bad one.
   */
  async readAuthnRequest(
    request: string | { SAMLRequest: string; RelayState?: string },
    options: { spMetadataXml?: string } = {},
  ): Promise<ReceivedAuthnRequest> {
    let xml: string;
    let relayState: string | undefined;
    let signed: boolean;
    if (typeof request === 'string') {
      const url = new URL(request);
      const samlRequest = url.searchParams.get('SAMLRequest');
      if (!samlRequest) throw new Error(`no SAMLRequest in ${request}`);
      xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
      relayState = url.searchParams.get('RelayState') ?? undefined;
      signed = url.searchParams.has('Signature');
      if (options.spMetadataXml) {
        const query = Object.fromEntries(url.searchParams);
        // The signed octet string: SAMLRequest, RelayState and SigAlg as sent, nothing else (saml-bindings §3.4.4.1).
        const octetString = url.search.slice(1).split('&').filter((part) => /^(SAMLRequest|RelayState|SigAlg)=/.test(part)).join('&');
        await this.#idp({ wantAuthnRequestsSigned: signed }).parseLoginRequest(
          samlify.ServiceProvider({ metadata: options.spMetadataXml }), 'redirect', { query, octetString },
        );
      }
    } else {
      xml = Buffer.from(request.SAMLRequest, 'base64').toString('utf8');
      relayState = request.RelayState;
      signed = /<(?:\w+:)?Signature[\s>]/.test(xml);
      if (options.spMetadataXml) {
        await this.#idp({ wantAuthnRequestsSigned: signed }).parseLoginRequest(
          samlify.ServiceProvider({ metadata: options.spMetadataXml }), 'post', { body: { SAMLRequest: request.SAMLRequest } },
        );
      }
    }
    const root = parse(xml).documentElement!;
    const nameIdPolicy = root.getElementsByTagNameNS(NS.protocol, 'NameIDPolicy')[0];
    return {
      id: root.getAttribute('ID') ?? '',
      issuer: root.getElementsByTagNameNS(NS.assertion, 'Issuer')[0]?.textContent ?? '',
      destination: root.getAttribute('Destination') ?? undefined,
      acsUrl: root.getAttribute('AssertionConsumerServiceURL') ?? undefined,
      protocolBinding: root.getAttribute('ProtocolBinding') ?? undefined,
      nameIdFormat: nameIdPolicy?.getAttribute('Format') ?? undefined,
      allowCreate: nameIdPolicy?.getAttribute('AllowCreate') ?? undefined,
      hasRequestedAuthnContext: root.getElementsByTagNameNS(NS.protocol, 'RequestedAuthnContext').length > 0,
      relayState,
      signed,
      xml,
    };
  }

  /** A base64 SAMLResponse for `sp`, signed by samlify as the options say. */
  async loginResponse(sp: ServiceProviderTarget, options: LoginResponseOptions): Promise<string> {
    const signAssertion = options.signAssertion ?? true;
    const signResponse = options.signResponse ?? false;
    const xml = this.#responseXml(sp, options);
    if (!signAssertion && !signResponse) return Buffer.from(xml, 'utf8').toString('base64');
    const key = options.signingKey ?? this.key;
    const idp = this.#idp({ key, signatureAlgorithm: SIGNATURE_ALGORITHM[options.signatureAlgorithm ?? 'sha256'] });
    const target = samlify.ServiceProvider({
      entityID: sp.entityId,
      assertionConsumerService: [{ Binding: BINDING.post, Location: sp.acsUrl }],
      wantAssertionsSigned: signAssertion && !options.omitAssertion,
      wantMessageSigned: signResponse,
    });
    const id = /ID="([^"]+)"/.exec(xml)![1]!;
    const result = await idp.createLoginResponse(target, { extract: {} }, 'post', { email: options.email }, {
      customTagReplacement: () => ({ id, context: xml }),
    });
    return result.context;
  }

  /**
   * Answers the server's AuthnRequest as a browser would carry it back: the SP, ACS, InResponseTo and RelayState
   * come from the request; `options` shape the rest (and may override any of them).
   */
  async answer(
    request: string | { SAMLRequest: string; RelayState?: string },
    options: Omit<LoginResponseOptions, 'inResponseTo'> & { inResponseTo?: string | null; acsUrl?: string; spEntityId?: string; spMetadataXml?: string },
  ): Promise<IdpAnswer> {
    const received = await this.readAuthnRequest(request, options.spMetadataXml ? { spMetadataXml: options.spMetadataXml } : {});
    const acsUrl = options.acsUrl ?? received.acsUrl;
    if (!acsUrl) throw new Error('the AuthnRequest names no AssertionConsumerServiceURL; pass acsUrl');
    const { inResponseTo, ...rest } = options;
    const SAMLResponse = await this.loginResponse(
      { entityId: options.spEntityId ?? received.issuer, acsUrl },
      { ...rest, ...(inResponseTo === null ? {} : { inResponseTo: inResponseTo ?? received.id }) },
    );
    return { acsUrl, form: { SAMLResponse, ...(received.relayState === undefined ? {} : { RelayState: received.relayState }) }, request: received };
  }

  #idp(options: { key?: TestKeyPair; signatureAlgorithm?: string; wantAuthnRequestsSigned?: boolean }) {
    const key = options.key ?? this.key;
    return samlify.IdentityProvider({
      entityID: this.entityId,
      privateKey: key.privateKeyPem,
      signingCert: key.certificatePem,
      nameIDFormat: [NAMEID_FORMAT.emailAddress],
      singleSignOnService: [{ Binding: BINDING.redirect, Location: this.ssoUrl }, { Binding: BINDING.post, Location: this.ssoUrl }],
      singleLogoutService: [{ Binding: BINDING.redirect, Location: `${this.entityId}/slo` }],
      wantAuthnRequestsSigned: options.wantAuthnRequestsSigned ?? false,
      ...(options.signatureAlgorithm ? { requestSignatureAlgorithm: options.signatureAlgorithm } : {}),
    });
  }

  #responseXml(sp: ServiceProviderTarget, o: LoginResponseOptions): string {
    const now = new Date();
    const issueInstant = (o.issueInstant ?? now).toISOString();
    const notBefore = (o.notBefore ?? o.issueInstant ?? now).toISOString();
    const notOnOrAfterDate = o.notOnOrAfter ?? new Date((o.issueInstant ?? now).getTime() + 5 * 60_000);
    const notOnOrAfter = notOnOrAfterDate.toISOString();
    const subjectNotOnOrAfter = (o.subjectNotOnOrAfter ?? notOnOrAfterDate).toISOString();
    const issuer = esc(o.issuer ?? this.entityId);
    const inResponseTo = o.inResponseTo === undefined ? '' : ` InResponseTo="${esc(o.inResponseTo)}"`;
    const destination = o.destination === null ? '' : ` Destination="${esc(o.destination ?? sp.acsUrl)}"`;
    const status = o.status
      ? `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="${esc(o.status)}"/></samlp:StatusCode>`
      : '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>';
    const attributes = { ...(o.name === undefined ? {} : { Name: [o.name] }), ...o.attributes };
    const attributeStatement = Object.keys(attributes).length === 0 ? '' : `<saml:AttributeStatement>${
      Object.entries(attributes).map(([name, values]) =>
        `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${
          values.map((value) => `<saml:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">${esc(value)}</saml:AttributeValue>`).join('')
        }</saml:Attribute>`).join('')
    }</saml:AttributeStatement>`;
    const nameId = o.nameId ?? o.email;
    const assertion = o.omitAssertion ? '' : [
      `<saml:Assertion ID="${esc(o.assertionId ?? randomId())}" Version="2.0" IssueInstant="${issueInstant}">`,
      `<saml:Issuer>${issuer}</saml:Issuer>`,
      '<saml:Subject>',
      nameId === '' ? '' : `<saml:NameID Format="${esc(o.nameIdFormat ?? NAMEID_FORMAT.emailAddress)}">${esc(nameId)}</saml:NameID>`,
      '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">',
      `<saml:SubjectConfirmationData NotOnOrAfter="${subjectNotOnOrAfter}" Recipient="${esc(o.recipient ?? sp.acsUrl)}"${inResponseTo}/>`,
      '</saml:SubjectConfirmation>',
      '</saml:Subject>',
      `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}">`,
      `<saml:AudienceRestriction><saml:Audience>${esc(o.audience ?? sp.entityId)}</saml:Audience></saml:AudienceRestriction>`,
      '</saml:Conditions>',
      `<saml:AuthnStatement AuthnInstant="${issueInstant}" SessionIndex="${randomId()}">`,
      '<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>',
      '</saml:AuthnStatement>',
      attributeStatement,
      '</saml:Assertion>',
    ].join('');
    return [
      `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${randomId()}" Version="2.0" IssueInstant="${issueInstant}"${destination}${inResponseTo}>`,
      `<saml:Issuer>${issuer}</saml:Issuer>`,
      `<samlp:Status>${status}</samlp:Status>`,
      assertion,
      '</samlp:Response>',
    ].join('');
  }
}

// --- Attacks on a valid signed response (each takes and returns a base64 SAMLResponse) ---

export type XswVariant = 'XSW1' | 'XSW2' | 'XSW3' | 'XSW4' | 'XSW5' | 'XSW6' | 'XSW7' | 'XSW8';
export const XSW_VARIANTS: readonly XswVariant[] = ['XSW1', 'XSW2', 'XSW3', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8'];

/** What the attacker wants a naive SP to read: another NameID, other attribute values. */
export interface EvilContent { email?: string; attributes?: Record<string, string[]> }

/**
 * XML signature wrapping, in the classic taxonomy (Somorovsky et al. 2012, as SAML Raider applies it): the signed
 * element stays intact somewhere the signature reference still finds it, and an evil copy sits where a naive SP
 * reads. XSW1–XSW2 need a signed Response (`signResponse: true`), XSW3–XSW8 a signed Assertion.
 * - XSW1: the evil Response (new ID) holds an unsigned copy of the original Response inside its Signature.
 * - XSW2: the same, the copy placed before the Signature.
 * - XSW3: an evil unsigned Assertion (new ID) before the signed one.
 * - XSW4: an evil unsigned Assertion (new ID) with the signed one inside it.
 * - XSW5: the signed Assertion is made evil (new ID); an unsigned copy of the original goes at the end of the Response.
 * - XSW6: as XSW5, the unsigned copy inside the evil Assertion's Signature.
 * - XSW7: an evil unsigned Assertion (new ID) inside a samlp:Extensions block before the signed one.
 * - XSW8: as XSW5, the unsigned copy inside a ds:Object in the evil Assertion's Signature.
 * This SP refuses XSW3 and XSW5 (two Assertions side by side) as SAML_RESPONSE_MALFORMED, the others as
 * SAML_SIGNATURE_INVALID.
 */
export function wrapSignature(samlResponse: string, variant: XswVariant, evil: EvilContent): string {
  const doc = parseResponse(samlResponse);
  const response = doc.documentElement!;
  const assertion = childElement(response, NS.assertion, 'Assertion');
  const strippedCopy = (element: Element): Element => {
    const copy = element.cloneNode(true) as Element;
    const signature = childElement(copy, NS.dsig, 'Signature', false);
    if (signature) copy.removeChild(signature);
    return copy;
  };
  switch (variant) {
    case 'XSW1':
    case 'XSW2': {
      const signature = childElement(response, NS.dsig, 'Signature');
      const copy = strippedCopy(response);
      if (variant === 'XSW1') signature.appendChild(copy);
      else response.insertBefore(copy, signature);
      response.setAttribute('ID', '_evil_response');
      makeEvil(assertion, evil);
      break;
    }
    case 'XSW3':
    case 'XSW4':
    case 'XSW7': {
      const copy = strippedCopy(assertion);
      copy.setAttribute('ID', '_evil_assertion');
      makeEvil(copy, evil);
      if (variant === 'XSW3') response.insertBefore(copy, assertion);
      else if (variant === 'XSW4') {
        response.replaceChild(copy, assertion);
        copy.appendChild(assertion);
      } else {
        const extensions = doc.createElementNS(NS.protocol, 'samlp:Extensions');
        extensions.appendChild(copy);
        response.insertBefore(extensions, assertion);
      }
      break;
    }
    case 'XSW5':
    case 'XSW6':
    case 'XSW8': {
      const signature = childElement(assertion, NS.dsig, 'Signature');
      const copy = strippedCopy(assertion);
      if (variant === 'XSW5') response.appendChild(copy);
      else if (variant === 'XSW6') signature.appendChild(copy);
      else {
        const object = doc.createElementNS(NS.dsig, 'ds:Object');
        object.appendChild(copy);
        signature.appendChild(object);
      }
      assertion.setAttribute('ID', '_evil_assertion');
      makeEvil(assertion, evil);
      break;
    }
  }
  return serialize(doc);
}

/** Replaces one AttributeValue's text after signing (`team-ml` → `ax-admins`): the digest no longer matches. */
export function tamperAttributeValue(samlResponse: string, from: string, to: string): string {
  const doc = parseResponse(samlResponse);
  const value = [...elements(doc.documentElement!, NS.assertion, 'AttributeValue')].find((node) => node.textContent === from);
  if (!value) throw new Error(`no AttributeValue ${from}`);
  setText(value, to);
  return serialize(doc);
}

/**
 * Splits the signed NameID's text with an XML comment after `offset` characters (default: before its last `.`),
 * as in CVE-2017-11427: `alice@example.test<!---->.evil.test`. Canonicalization drops comments, so the signature
 * still verifies; an SP that reads only the first text node would see another user.
 */
export function insertCommentInNameId(samlResponse: string, offset?: number): string {
  const doc = parseResponse(samlResponse);
  const nameId = elements(doc.documentElement!, NS.assertion, 'NameID')[0];
  if (!nameId) throw new Error('no NameID');
  const text = nameId.textContent ?? '';
  const at = offset ?? text.lastIndexOf('.');
  while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
  nameId.appendChild(doc.createTextNode(text.slice(0, at)));
  nameId.appendChild(doc.createComment(''));
  nameId.appendChild(doc.createTextNode(text.slice(at)));
  return serialize(doc);
}

/** Wraps the Assertion in a saml:EncryptedAssertion element (this SP does not support encrypted assertions). */
export function wrapInEncryptedAssertion(samlResponse: string): string {
  const doc = parseResponse(samlResponse);
  const response = doc.documentElement!;
  const assertion = childElement(response, NS.assertion, 'Assertion');
  const encrypted = doc.createElementNS(NS.assertion, 'saml:EncryptedAssertion');
  response.replaceChild(encrypted, assertion);
  encrypted.appendChild(assertion);
  return serialize(doc);
}

/** Adds a second copy of the signed Assertion (another ID) to the Response. */
export function duplicateAssertion(samlResponse: string): string {
  const doc = parseResponse(samlResponse);
  const response = doc.documentElement!;
  const copy = childElement(response, NS.assertion, 'Assertion').cloneNode(true) as Element;
  copy.setAttribute('ID', '_second_assertion');
  response.appendChild(copy);
  return serialize(doc);
}

/** The XML inside a base64 SAMLResponse. */
export function decodeSamlResponse(samlResponse: string): string {
  return Buffer.from(samlResponse, 'base64').toString('utf8');
}

function makeEvil(assertion: Element, evil: EvilContent): void {
  const subject = childElement(assertion, NS.assertion, 'Subject');
  if (evil.email !== undefined) setText(childElement(subject, NS.assertion, 'NameID'), evil.email);
  for (const [name, values] of Object.entries(evil.attributes ?? {})) {
    const statement = childElement(assertion, NS.assertion, 'AttributeStatement');
    const attribute = [...elements(statement, NS.assertion, 'Attribute')].find((node) => node.getAttribute('Name') === name);
    if (!attribute) throw new Error(`no Attribute ${name}`);
    const template = elements(attribute, NS.assertion, 'AttributeValue')[0]!;
    while (attribute.firstChild) attribute.removeChild(attribute.firstChild);
    for (const value of values) {
      const node = template.cloneNode(false) as Element;
      node.appendChild(assertion.ownerDocument!.createTextNode(value));
      attribute.appendChild(node);
    }
  }
}

function childElement(parent: Element, ns: string, name: string, required?: true): Element;
function childElement(parent: Element, ns: string, name: string, required: false): Element | undefined;
function childElement(parent: Element, ns: string, name: string, required = true): Element | undefined {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === name) return node as Element;
  }
  if (required) throw new Error(`no ${name} under ${parent.localName}`);
  return undefined;
}

function elements(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name));
}

function setText(element: Element, text: string): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  element.appendChild(element.ownerDocument!.createTextNode(text));
}

function parse(xml: string): Document {
  return new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
}

function parseResponse(samlResponse: string): Document {
  return parse(decodeSamlResponse(samlResponse));
}

function serialize(doc: Document): string {
  return Buffer.from(new XMLSerializer().serializeToString(doc), 'utf8').toString('base64');
}

function fail(message: string): never {
  throw new Error(`test IdP: not XML: ${message}`);
}

function randomId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
