import type * as Saml from './saml/index.js';

let loading: Promise<typeof Saml> | undefined;

/**
 * The SAML module (its XML parser; node-saml and selfsigned load later still), imported at the first SAML use — a
 * login, the SP metadata, a provider's metadata — rather than at start, where a server without SAML would hold it.
 */
export function loadSaml(): Promise<typeof Saml> {
  loading ??= import('./saml/index.js');
  return loading;
}
