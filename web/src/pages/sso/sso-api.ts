import type {
  CreateOidcIdentityProviderRequest, CreateSamlIdentityProviderRequest, InitialRoleMapping, OidcIdentityProvider,
  OidcIdentityProviderSummary, Organization, Project, Role, SamlIdentityProvider, SamlIdentityProviderSummary, Space,
  UpdateOidcIdentityProviderRequest, UpdateSamlIdentityProviderRequest,
} from '../../../../src/client/types.js';
import { api, listAll, page } from '../../lib/api.js';
import { useAsync } from '../../lib/hooks.js';

/** The single sign-on endpoints as the console uses them: both protocols behind one set of calls. */

export type Protocol = 'SAML' | 'OIDC';
export type { EvaluatedGrant, EvaluateRoleMappingsResult as EvaluateResult, RoleMapping } from '../../../../src/client/types.js';
export type MappingBody = InitialRoleMapping;
export type ProviderSummary = (SamlIdentityProviderSummary & { protocol: 'SAML' }) | (OidcIdentityProviderSummary & { protocol: 'OIDC' });
export type Provider = (SamlIdentityProvider & { protocol: 'SAML' }) | (OidcIdentityProvider & { protocol: 'OIDC' });
export type CreateSamlBody = CreateSamlIdentityProviderRequest;
export type CreateOidcBody = CreateOidcIdentityProviderRequest;
export type UpdateBody = UpdateSamlIdentityProviderRequest | UpdateOidcIdentityProviderRequest;

/** The path segment of a protocol in console URLs (`/settings/single-sign-on/saml/<id>`). */
function protocolSlug(protocol: Protocol): 'saml' | 'oidc' {
  return protocol === 'SAML' ? 'saml' : 'oidc';
}

export function providerPath(protocol: Protocol, id: string): string {
  return `/settings/single-sign-on/${protocolSlug(protocol)}/${encodeURIComponent(id)}`;
}

function resource(protocol: Protocol) {
  return protocol === 'SAML' ? api.samlIdentityProviders : api.oidcIdentityProviders;
}

export const ssoApi = {
  /** Every provider of the account, SAML then OIDC, each tagged with its protocol. */
  async listProviders(): Promise<ProviderSummary[]> {
    const [saml, oidc] = await Promise.all([
      listAll((cursor) => page(api.samlIdentityProviders.list({ limit: 100, cursor }), 'saml_identity_providers')),
      listAll((cursor) => page(api.oidcIdentityProviders.list({ limit: 100, cursor }), 'oidc_identity_providers')),
    ]);
    return [...saml.map((p) => ({ ...p, protocol: 'SAML' as const })), ...oidc.map((p) => ({ ...p, protocol: 'OIDC' as const }))];
  },
  async get(protocol: Protocol, id: string): Promise<Provider> {
    if (protocol === 'SAML') return { ...(await api.samlIdentityProviders.get(id)), protocol };
    return { ...(await api.oidcIdentityProviders.get(id)), protocol };
  },
  createSaml: (body: CreateSamlBody) => api.samlIdentityProviders.create(body),
  createOidc: (body: CreateOidcBody) => api.oidcIdentityProviders.create(body),
  async update(protocol: Protocol, id: string, body: UpdateBody): Promise<void> {
    if (protocol === 'SAML') await api.samlIdentityProviders.update(id, body as UpdateSamlIdentityProviderRequest);
    else await api.oidcIdentityProviders.update(id, body as UpdateOidcIdentityProviderRequest);
  },
  remove: (protocol: Protocol, id: string) => resource(protocol).delete(id),
  createMapping: (protocol: Protocol, idpId: string, body: MappingBody) => resource(protocol).createRoleMapping(idpId, body),
  updateMapping: (protocol: Protocol, idpId: string, mappingId: string, body: Partial<MappingBody> & { position?: number }) =>
    resource(protocol).updateRoleMapping(idpId, mappingId, body),
  deleteMapping: (protocol: Protocol, idpId: string, mappingId: string) => resource(protocol).deleteRoleMapping(idpId, mappingId),
  evaluate: (protocol: Protocol, idpId: string, attributes: Record<string, string[]>) => resource(protocol).evaluate(idpId, { attributes }),
  serviceProvider: () => api.sso.serviceProvider(),
};

/** The account's organizations, spaces, projects and roles: the pickers of mappings and defaults, and id → name. */
export interface Directory {
  organizations: Organization[];
  spaces: Space[];
  projects: Project[];
  roles: Role[];
  /** The name of an organization, space, project or role id (the id itself when unknown). */
  name: (id: string | null | undefined) => string;
}

export function useDirectory() {
  return useAsync(async (): Promise<Directory> => {
    const [organizations, spaces, projects, roles] = await Promise.all([
      listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')),
      listAll((cursor) => page(api.spaces.list({ limit: 100, cursor }), 'spaces')),
      listAll((cursor) => page(api.projects.list({ limit: 100, cursor }), 'projects')),
      listAll((cursor) => page(api.roles.list({ limit: 100, cursor }), 'roles')),
    ]);
    const names = new Map<string, string>();
    for (const o of organizations) names.set(o.id, o.name);
    for (const s of spaces) names.set(s.id, s.name);
    for (const p of projects) names.set(p.id, p.name);
    for (const r of roles) names.set(r.id, r.name);
    return { organizations, spaces, projects, roles, name: (id) => (id ? (names.get(id) ?? id) : '—') };
  }, []);
}
