import type * as Oidc from './oidc/index.js';

let loading: Promise<typeof Oidc> | undefined;

/**
 * The OIDC module (openid-client with oauth4webapi and jose, jmespath), imported at the first OIDC use — a login, a
 * provider's creation or update — rather than at start, where a server without OIDC would hold it.
 */
export function loadOidc(): Promise<typeof Oidc> {
  loading ??= import('./oidc/index.js');
  return loading;
}
