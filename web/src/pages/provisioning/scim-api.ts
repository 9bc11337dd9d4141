import type { CreatedScimToken, CreateScimTokenRequest, ScimStatus, ScimToken } from '../../../../src/client/types.js';
import { api, listAll, page } from '../../lib/api.js';
import { useAsync } from '../../lib/hooks.js';
import type { Protocol } from '../sso/sso-api.js';

/** A provider's SCIM tokens and status as Settings → Provisioning and the provider's SCIM tab use them. */

export type { CreatedScimToken, ScimToken };
/** One request the directory made that failed after its token was accepted. */
export type ScimRecentError = ScimStatus['recent_errors'][number];

export const scimApi = {
  createToken: (protocol: Protocol, idpId: string, body: CreateScimTokenRequest) => api.scimTokens.create(protocol, idpId, body),
  revokeToken: (protocol: Protocol, idpId: string, tokenId: string) => api.scimTokens.revoke(protocol, idpId, tokenId),
};

/** The provider's SCIM status: the base URL, last request and sync, users and groups managed, recent errors. */
export function useScimStatus(protocol: Protocol, idpId: string) {
  return useAsync(() => api.scimTokens.status(protocol, idpId), [protocol, idpId]);
}

/** The provider's tokens that are not revoked (at most five are live), never their raw values. */
export function useScimTokens(protocol: Protocol, idpId: string) {
  return useAsync(() => listAll((cursor) => page(api.scimTokens.list(protocol, idpId, { limit: 100, cursor }), 'scim_tokens')), [protocol, idpId]);
}
