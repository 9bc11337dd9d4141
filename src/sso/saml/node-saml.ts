/**
 * @node-saml/node-saml, loaded on first use: with its XML signature stack it costs ~130 ms to import, which a
 * server that never sees a SAML login should not pay at start.
 */
let loading: Promise<typeof import('@node-saml/node-saml')> | undefined;

export function nodeSaml(): Promise<typeof import('@node-saml/node-saml')> {
  loading ??= import('@node-saml/node-saml');
  return loading;
}
