import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { CreatedScimToken, CreateScimTokenRequest, ScimStatus, ScimToken, ScimTokenList, ScimTokenListParams } from '../types.js';

/** Which collection an identity provider is in: its id's type says it (`SamlIdentityProvider:…` or `OidcIdentityProvider:…`). */
export type ScimProviderProtocol = 'SAML' | 'OIDC';

const BASES: Readonly<Record<ScimProviderProtocol, string>> = {
  SAML: '/v2/saml-identity-providers',
  OIDC: '/v2/oidc-identity-providers',
};

/**
 * A provider's SCIM tokens (`…/{idp_id}/scim-tokens`) and its directory's status (`…/{idp_id}/scim-status`), under
 * either provider collection; account admins only. A token lets a directory (Okta, Entra ID) provision users and
 * groups at `{server}/scim/v2` and nothing else.
 *
 * @example
 * const created = await ax.scimTokens.create('SAML', idpId, { name: 'Okta' });
 * console.log(created.token); // paste into the directory now: it is never shown again
 */
export class ScimTokensResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of the provider's tokens that are not revoked (expired ones included). */
  async list(protocol: ScimProviderProtocol, idpId: string, params: ScimTokenListParams = {}): Promise<ScimTokenList> {
    return (await this.http.request<ScimTokenList>({ method: 'GET', path: this.path(protocol, idpId), query: { ...params } })).body;
  }

  iterate(protocol: ScimProviderProtocol, idpId: string): AsyncGenerator<ScimToken, void, undefined> {
    return paginate((cursor) => this.list(protocol, idpId, { limit: 100, cursor }), (page) => page.scim_tokens);
  }

  /** A new token (at most 5 live ones per provider: a 6th is a 409). The raw `token` is in this answer only. */
  async create(protocol: ScimProviderProtocol, idpId: string, body: CreateScimTokenRequest = {}): Promise<CreatedScimToken> {
    return (await this.http.request<CreatedScimToken>({ method: 'POST', path: this.path(protocol, idpId), body })).body;
  }

  /** Immediate on every server process, irreversible and idempotent. */
  async revoke(protocol: ScimProviderProtocol, idpId: string, tokenId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `${this.path(protocol, idpId)}/${segment(tokenId)}` });
  }

  /** The base URL to give the directory, its live tokens, last request and sync, users and groups, recent errors. */
  async status(protocol: ScimProviderProtocol, idpId: string): Promise<ScimStatus> {
    return (await this.http.request<ScimStatus>({ method: 'GET', path: `${BASES[protocol]}/${segment(idpId)}/scim-status` })).body;
  }

  private path(protocol: ScimProviderProtocol, idpId: string): string {
    return `${BASES[protocol]}/${segment(idpId)}/scim-tokens`;
  }
}
