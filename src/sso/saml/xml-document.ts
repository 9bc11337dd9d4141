import { DOMParser } from '@xmldom/xmldom';

/** The namespaces this module reads. */
export const NS = {
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export const NAMEID_FORMAT = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;

const ELEMENT_NODE = 1;
const COMMENT_NODE = 8;

/**
 * Parses untrusted XML with the parser node-saml uses. Returns the root element, or a reason it is not one
 * well-formed document. A DOCTYPE is refused: SAML messages and metadata never carry one, and entity declarations
 * are the classic expansion attack.
 */
export function parseUntrustedXml(xml: string): { root: Element } | { error: string } {
  // Looked for before parsing: xmldom reports an undeclared entity, not the DOCTYPE that declared it.
  if (/<!DOCTYPE/i.test(xml)) return { error: 'a DOCTYPE is not allowed' };
  let problem: string | undefined;
  const record = (message: string) => { problem ??= message.split('\n')[0]; };
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  if (problem !== undefined) return { error: `not well-formed XML (${problem.replace(/^\[xmldom \w+\]\s*/, '')})` };
  const root = doc.documentElement;
  if (!root) return { error: 'not an XML document' };
  return { root };
}

/** The element's children in `ns` named `localName`, in document order. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE && (node as Element).namespaceURI === ns && (node as Element).localName === localName) {
      found.push(node as Element);
    }
  }
  return found;
}

export function is(element: Element, ns: string, localName: string): boolean {
  return element.namespaceURI === ns && element.localName === localName;
}

/** Every descendant element in `ns` (`'*'`: any namespace) named `localName`. */
export function descendants(parent: Element, ns: string, localName: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, localName));
}

/** Whether a comment node occurs anywhere under `parent`. */
export function containsComment(parent: Node): boolean {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === COMMENT_NODE || containsComment(node)) return true;
  }
  return false;
}

/** Escapes text for an XML (or HTML) attribute value or text node. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
