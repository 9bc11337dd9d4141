import { encodeId, encodeProviderId } from '../../domain/ids.js';
import { parseMappingRow } from '../../services/identity-providers/mapping-input.js';
import type { ProviderView } from '../../services/identity-providers/providers.js';
import type { Evaluation } from '../../services/identity-providers/role-mappings.js';
import type { RoleMappingRow, UserIdentityRow } from '../../store/schema.js';

type Grant = Evaluation['desired']['grants'][number];
type GrantKind = Grant['kind'];
type GrantOrigin = Grant['origin'];

/** A rule on the wire: its JSON columns' row ids as wire ids. */
export function presentRoleMapping(row: RoleMappingRow) {
  const rule = parseMappingRow(row);
  return {
    id: encodeId('RoleMapping', row.id),
    position: row.position,
    attributes_map: rule.attributes,
    is_account_admin: rule.isAccountAdmin,
    org_role: rule.orgRole === null ? null : { org_id: encodeId('Organization', rule.orgRole.org_id), role_id: encodeId('Role', rule.orgRole.role_id) },
    space_roles: rule.spaceRoles.map((s) => ({ space_id: encodeId('Space', s.space_id), role_id: encodeId('Role', s.role_id) })),
    project_roles: rule.projectRoles.map((p) => ({ project_id: encodeId('Project', p.project_id), role_id: encodeId('Role', p.role_id) })),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const optionalId = (type: 'Organization' | 'Space' | 'Role', id: number | null) => (id === null ? null : encodeId(type, id));

function presentShared(view: ProviderView) {
  const { row } = view;
  return {
    id: encodeProviderId(row.protocol, row.id),
    name: row.name,
    email_domains: view.domains.map((d) => ({ domain: d.domain, validated: d.validated })),
    enabled: row.enabled === 1,
    allow_only_sso_logins: row.allow_only_sso_logins === 1,
    sync_user_roles: row.sync_user_roles === 1,
    allow_default_login: row.allow_default_login === 1,
    default_org_id: optionalId('Organization', row.default_org_id),
    default_org_role_id: optionalId('Role', row.default_org_role_id),
    default_space_id: optionalId('Space', row.default_space_id),
    default_space_role_id: optionalId('Role', row.default_space_role_id),
    is_managed_by_file: false,
    login_url: view.loginUrl,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A SAML provider's list entry: no `metadata_xml`, no `role_mappings`. */
export function presentSamlProviderSummary(view: ProviderView) {
  const { row } = view;
  return {
    ...presentShared(view),
    metadata_url: row.metadata_url,
    idp_entity_id: view.idpMetadata.entityId,
    idp_sso_url: view.idpMetadata.ssoUrl,
    idp_certificates: view.idpMetadata.certificates.map((c) => ({ sha256_fingerprint: c.sha256Fingerprint, not_after: c.notAfter })),
    metadata_fetched_at: row.metadata_fetched_at,
    sign_authn: row.sign_authn === 1,
    allow_idp_initiated: row.allow_idp_initiated === 1,
    sp_metadata_url: view.sp.metadataUrl,
    sp_entity_id: view.sp.entityId,
    acs_url: view.sp.acsUrl,
  };
}

/** A SAML provider's whole configuration. */
export function presentSamlProvider(view: ProviderView) {
  return { ...presentSamlProviderSummary(view), metadata_xml: view.row.metadata_xml, role_mappings: (view.mappings ?? []).map(presentRoleMapping) };
}

/** An OIDC provider's list entry: the client secret only as `redacted_client_secret`. */
export function presentOidcProviderSummary(view: ProviderView) {
  const { row } = view;
  return {
    ...presentShared(view),
    issuer: row.issuer ?? '',
    client_id: row.client_id ?? '',
    redacted_client_secret: view.redactedClientSecret,
    scopes: row.scopes === null ? [] : JSON.parse(row.scopes) as string[],
    email_claim_path: row.email_claim_path ?? 'email',
    name_claim_path: row.name_claim_path ?? 'name',
    groups_claim_path: row.groups_claim_path,
    use_userinfo: row.use_userinfo === 1,
    redirect_uri: view.sp.oidcRedirectUri,
  };
}

/** An OIDC provider's whole configuration. */
export function presentOidcProvider(view: ProviderView) {
  return { ...presentOidcProviderSummary(view), role_mappings: (view.mappings ?? []).map(presentRoleMapping) };
}

const KIND: Record<GrantKind, 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_ROLE_BINDING' | 'PROJECT_ROLE_BINDING'> = {
  ORGANIZATION_MEMBERSHIP: 'ORGANIZATION_MEMBERSHIP',
  SPACE_MEMBERSHIP: 'SPACE_MEMBERSHIP',
  SPACE_BINDING: 'SPACE_ROLE_BINDING',
  PROJECT_BINDING: 'PROJECT_ROLE_BINDING',
};
const RESOURCE: Record<GrantKind, 'Organization' | 'Space' | 'Project'> = {
  ORGANIZATION_MEMBERSHIP: 'Organization', SPACE_MEMBERSHIP: 'Space', SPACE_BINDING: 'Space', PROJECT_BINDING: 'Project',
};

function origin(from: GrantOrigin) {
  if (from.kind === 'rule') return { origin: 'MAPPING' as const, mapping_position: from.position };
  return { origin: from.kind === 'default' ? 'DEFAULT' as const : 'IMPLIED' as const };
}

/** The engine's answer on the wire: matched rule ids, and each grant with the rule (position) or default behind it. */
export function presentEvaluation({ desired, mappingIdByPosition }: Evaluation) {
  return {
    matched: desired.matchedRules.flatMap((position) => {
      const id = mappingIdByPosition.get(position);
      return id === undefined ? [] : [encodeId('RoleMapping', id)];
    }),
    grants: [
      ...(desired.accountAdmin ? [{ kind: 'ACCOUNT_ADMIN' as const, ...origin(desired.accountAdmin.origin) }] : []),
      ...desired.grants.map((grant) => ({
        kind: KIND[grant.kind],
        resource_id: encodeId(RESOURCE[grant.kind], grant.resourceId),
        role_id: encodeId('Role', grant.roleId),
        ...origin(grant.origin),
      })),
    ],
    defaults_used: desired.usedDefaults,
  };
}

export function presentIdentityLink(found: { link: UserIdentityRow; attributes: Record<string, string[]>; evaluation: Evaluation }) {
  return {
    user_id: encodeId('User', found.link.user_id),
    subject: found.link.subject,
    last_login_at: found.link.last_login_at,
    last_attributes: found.attributes,
    evaluation: presentEvaluation(found.evaluation),
  };
}
