import { paginate, type ListResponse } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type {
  CreateOidcIdentityProviderRequest, CreateRoleMappingRequest, CreateSamlIdentityProviderRequest, EvaluateRoleMappingsRequest,
  EvaluateRoleMappingsResult, IdentityLink, IdentityProviderListParams, OidcIdentityProvider, OidcIdentityProviderList,
  OidcIdentityProviderSummary, RoleMapping, RoleMappingList, SamlIdentityProvider, SamlIdentityProviderList,
  SamlIdentityProviderSummary, ServiceProviderInfo, UpdateOidcIdentityProviderRequest, UpdateRoleMappingRequest,
  UpdateSamlIdentityProviderRequest,
} from '../types.js';

/**
 * The endpoints SAML and OIDC providers share (identity.md §2.8, §3.3): the provider itself, its ordered role
 * mappings, their dry run, and a user's link. `base` is `/v2/saml-identity-providers` or `/v2/oidc-identity-providers`.
 */
abstract class IdentityProvidersResource<Summary, Full, List extends ListResponse, Create, Update> {
  protected constructor(
    private readonly http: HttpTransport,
    private readonly base: string,
    private readonly items: (page: List) => readonly Summary[],
  ) {}

  /** One page of providers (summaries: no metadata XML, no role mappings). */
  async list(params: IdentityProviderListParams = {}): Promise<List> {
    return (await this.http.request<List>({ method: 'GET', path: this.base, query: { ...params } })).body;
  }

  iterate(): AsyncGenerator<Summary, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, cursor }), this.items);
  }

  /** The full configuration, with its role mappings. */
  async get(idpId: string): Promise<Full> {
    return (await this.http.request<Full>({ method: 'GET', path: this.path(idpId) })).body;
  }

  async create(body: Create): Promise<Full> {
    return (await this.http.request<Full>({ method: 'POST', path: this.base, body })).body;
  }

  async update(idpId: string, body: Update): Promise<Full> {
    return (await this.http.request<Full>({ method: 'PATCH', path: this.path(idpId), body })).body;
  }

  /**
   * Soft-deletes the provider: its domains are freed, its users' links removed, and every grant it gave becomes
   * manual (the users keep their access).
   */
  async delete(idpId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: this.path(idpId) });
  }

  /** One page of the provider's role mappings, in configuration order. */
  async listRoleMappings(idpId: string, params: IdentityProviderListParams = {}): Promise<RoleMappingList> {
    return (await this.http.request<RoleMappingList>({ method: 'GET', path: `${this.path(idpId)}/role-mappings`, query: { ...params } })).body;
  }

  iterateRoleMappings(idpId: string): AsyncGenerator<RoleMapping, void, undefined> {
    return paginate((cursor) => this.listRoleMappings(idpId, { limit: 100, cursor }), (page) => page.role_mappings);
  }

  async getRoleMapping(idpId: string, mappingId: string): Promise<RoleMapping> {
    return (await this.http.request<RoleMapping>({ method: 'GET', path: this.mappingPath(idpId, mappingId) })).body;
  }

  /**
   * Adds a rule (last, unless `position` says where; the rules after it shift).
   *
   * @example
   * await ax.samlIdentityProviders.createRoleMapping(idpId, {
   *   attributes_map: { group: 'team-ml' }, space_roles: [{ space_id: spaceId, role_id: customRoleId }],
   * });
   */
  async createRoleMapping(idpId: string, body: CreateRoleMappingRequest): Promise<RoleMapping> {
    return (await this.http.request<RoleMapping>({ method: 'POST', path: `${this.path(idpId)}/role-mappings`, body })).body;
  }

  /** Changes the fields given; `position` moves the rule. */
  async updateRoleMapping(idpId: string, mappingId: string, body: UpdateRoleMappingRequest): Promise<RoleMapping> {
    return (await this.http.request<RoleMapping>({ method: 'PATCH', path: this.mappingPath(idpId, mappingId), body })).body;
  }

  async deleteRoleMapping(idpId: string, mappingId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: this.mappingPath(idpId, mappingId) });
  }

  /**
   * What the mappings would grant a user asserting these attributes; nothing is written.
   *
   * @example
   * const { grants } = await ax.samlIdentityProviders.evaluate(idpId, { attributes: { group: ['my-admins'] } });
   */
  async evaluate(idpId: string, body: EvaluateRoleMappingsRequest): Promise<EvaluateRoleMappingsResult> {
    return (await this.http.request<EvaluateRoleMappingsResult>({ method: 'POST', path: `${this.path(idpId)}/role-mappings/evaluate`, body })).body;
  }

  /** A user's link to the provider, the attributes of their last login, and the grants those map to now. */
  async getIdentityLink(idpId: string, userId: string): Promise<IdentityLink> {
    return (await this.http.request<IdentityLink>({ method: 'GET', path: `${this.path(idpId)}/users/${segment(userId)}` })).body;
  }

  private path(idpId: string): string {
    return `${this.base}/${segment(idpId)}`;
  }

  private mappingPath(idpId: string, mappingId: string): string {
    return `${this.path(idpId)}/role-mappings/${segment(mappingId)}`;
  }
}

/** `/v2/saml-identity-providers` (Arize's REST names): SAML single sign-on configuration, account admins only. */
export class SamlIdentityProvidersResource extends IdentityProvidersResource<
  SamlIdentityProviderSummary, SamlIdentityProvider, SamlIdentityProviderList, CreateSamlIdentityProviderRequest, UpdateSamlIdentityProviderRequest
> {
  constructor(http: HttpTransport) {
    super(http, '/v2/saml-identity-providers', (page) => page.saml_identity_providers);
  }
}

/** `/v2/oidc-identity-providers` (this product's extension, the same shape as SAML's): OpenID Connect sign-on. */
export class OidcIdentityProvidersResource extends IdentityProvidersResource<
  OidcIdentityProviderSummary, OidcIdentityProvider, OidcIdentityProviderList, CreateOidcIdentityProviderRequest, UpdateOidcIdentityProviderRequest
> {
  constructor(http: HttpTransport) {
    super(http, '/v2/oidc-identity-providers', (page) => page.oidc_identity_providers);
  }
}

/** `/v2/sso`: this server's own single sign-on facts. */
export class SsoResource {
  constructor(private readonly http: HttpTransport) {}

  /** The SAML EntityID, ACS and metadata URL, and the OIDC redirect URI: what to give an IdP admin. */
  async serviceProvider(): Promise<ServiceProviderInfo> {
    return (await this.http.request<ServiceProviderInfo>({ method: 'GET', path: '/v2/sso/service-provider' })).body;
  }
}
