import type { CreateOidcBody, CreateSamlBody, MappingBody, Protocol, Provider, UpdateBody } from './sso-api.js';

/** The General tab's form state: every field as the inputs hold it (text, '' for "none"). */
export interface ProviderDraft {
  name: string;
  /** Comma- or space-separated. */
  domains: string;
  enabled: boolean;
  allow_only_sso_logins: boolean;
  sync_user_roles: boolean;
  allow_default_login: boolean;
  default_org_id: string;
  default_org_role_id: string;
  default_space_id: string;
  default_space_role_id: string;
  // SAML
  metadata_source: 'url' | 'xml';
  metadata_url: string;
  metadata_xml: string;
  sign_authn: boolean;
  allow_idp_initiated: boolean;
  // OIDC
  issuer: string;
  client_id: string;
  /** A new secret; '' keeps the stored one. */
  client_secret: string;
  /** Space-separated. */
  scopes: string;
  email_claim_path: string;
  name_claim_path: string;
  groups_claim_path: string;
  use_userinfo: boolean;
}

export function draftFrom(provider: Provider | undefined): ProviderDraft {
  const saml = provider?.protocol === 'SAML' ? provider : undefined;
  const oidc = provider?.protocol === 'OIDC' ? provider : undefined;
  return {
    name: provider?.name ?? '',
    domains: provider?.email_domains.map((d) => d.domain).join(', ') ?? '',
    enabled: provider?.enabled ?? true,
    allow_only_sso_logins: provider?.allow_only_sso_logins ?? false,
    sync_user_roles: provider?.sync_user_roles ?? true,
    allow_default_login: provider?.allow_default_login ?? false,
    default_org_id: provider?.default_org_id ?? '',
    default_org_role_id: provider?.default_org_role_id ?? '',
    default_space_id: provider?.default_space_id ?? '',
    default_space_role_id: provider?.default_space_role_id ?? '',
    metadata_source: saml && !saml.metadata_url && saml.metadata_xml ? 'xml' : 'url',
    metadata_url: saml?.metadata_url ?? '',
    metadata_xml: saml?.metadata_xml ?? '',
    sign_authn: saml?.sign_authn ?? false,
    allow_idp_initiated: saml?.allow_idp_initiated ?? false,
    issuer: oidc?.issuer ?? '',
    client_id: oidc?.client_id ?? '',
    client_secret: '',
    scopes: oidc?.scopes.join(' ') ?? 'openid email profile',
    email_claim_path: oidc?.email_claim_path ?? 'email',
    name_claim_path: oidc?.name_claim_path ?? 'name',
    groups_claim_path: oidc?.groups_claim_path ?? '',
    use_userinfo: oidc?.use_userinfo ?? true,
  };
}

function domainList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
}

function orNull(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

const sharedKeys = ['name', 'email_domains', 'enabled', 'allow_only_sso_logins', 'sync_user_roles', 'allow_default_login',
  'default_org_id', 'default_org_role_id', 'default_space_id', 'default_space_role_id'] as const;

function shared(d: ProviderDraft) {
  // The server keeps all four defaults or none, whatever allow_default_login says (switching default login off keeps
  // them for later); an incomplete set goes out only with default login on, where the server names what is missing.
  const defaults = [d.default_org_id, d.default_org_role_id, d.default_space_id, d.default_space_role_id].map(orNull);
  const send = d.allow_default_login || defaults.every((v) => v !== null);
  return {
    name: d.name.trim(),
    email_domains: domainList(d.domains),
    enabled: d.enabled,
    allow_only_sso_logins: d.allow_only_sso_logins,
    sync_user_roles: d.sync_user_roles,
    allow_default_login: d.allow_default_login,
    default_org_id: send ? (defaults[0] ?? null) : null,
    default_org_role_id: send ? (defaults[1] ?? null) : null,
    default_space_id: send ? (defaults[2] ?? null) : null,
    default_space_role_id: send ? (defaults[3] ?? null) : null,
  };
}

function metadata(d: ProviderDraft) {
  return d.metadata_source === 'url' ? { metadata_url: d.metadata_url.trim() } : { metadata_xml: d.metadata_xml };
}

function oidcFields(d: ProviderDraft) {
  return {
    issuer: d.issuer.trim(),
    client_id: d.client_id.trim(),
    scopes: d.scopes.split(/\s+/).filter(Boolean),
    email_claim_path: d.email_claim_path.trim(),
    name_claim_path: d.name_claim_path.trim(),
    groups_claim_path: orNull(d.groups_claim_path),
    use_userinfo: d.use_userinfo,
  };
}

/** The create body: the General fields (the defaults when any is chosen) and the initial role mappings. */
export function createBody(protocol: 'SAML', d: ProviderDraft, mappings: MappingBody[]): CreateSamlBody;
export function createBody(protocol: 'OIDC', d: ProviderDraft, mappings: MappingBody[]): CreateOidcBody;
export function createBody(protocol: Protocol, d: ProviderDraft, mappings: MappingBody[]): CreateSamlBody | CreateOidcBody {
  const s = shared(d);
  const base = {
    name: s.name,
    email_domains: s.email_domains,
    enabled: s.enabled,
    allow_only_sso_logins: s.allow_only_sso_logins,
    sync_user_roles: s.sync_user_roles,
    allow_default_login: s.allow_default_login,
    ...([s.default_org_id, s.default_org_role_id, s.default_space_id, s.default_space_role_id].some((v) => v !== null)
      ? { default_org_id: s.default_org_id, default_org_role_id: s.default_org_role_id, default_space_id: s.default_space_id, default_space_role_id: s.default_space_role_id }
      : {}),
    ...(mappings.length > 0 ? { role_mappings: mappings } : {}),
  };
  if (protocol === 'SAML') return { ...base, ...metadata(d), sign_authn: d.sign_authn, allow_idp_initiated: d.allow_idp_initiated };
  return { ...base, ...oidcFields(d), ...(d.client_secret ? { client_secret: d.client_secret } : {}) };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The PATCH body: only what changed (an empty object means nothing to save). */
export function updateBody(provider: Provider, d: ProviderDraft): UpdateBody {
  const before = shared(draftFrom(provider));
  const after = shared(d);
  const body: Record<string, unknown> = {};
  for (const key of sharedKeys) {
    const changed = key === 'email_domains' ? !same([...before[key]].sort(), [...after[key]].sort()) : !same(before[key], after[key]);
    if (changed) body[key] = after[key];
  }
  // Defaults travel together: the server checks the four as a set.
  if (['allow_default_login', 'default_org_id', 'default_org_role_id', 'default_space_id', 'default_space_role_id'].some((k) => k in body)) {
    for (const key of ['allow_default_login', 'default_org_id', 'default_org_role_id', 'default_space_id', 'default_space_role_id'] as const) body[key] = after[key];
  }
  if (provider.protocol === 'SAML') {
    const old = draftFrom(provider);
    if (d.metadata_source === 'url' && (old.metadata_source !== 'url' || d.metadata_url.trim() !== old.metadata_url)) body.metadata_url = d.metadata_url.trim();
    if (d.metadata_source === 'xml' && (old.metadata_source !== 'xml' || d.metadata_xml !== old.metadata_xml)) body.metadata_xml = d.metadata_xml;
    if (d.sign_authn !== provider.sign_authn) body.sign_authn = d.sign_authn;
    if (d.allow_idp_initiated !== provider.allow_idp_initiated) body.allow_idp_initiated = d.allow_idp_initiated;
  } else {
    const old = oidcFields(draftFrom(provider));
    const now = oidcFields(d);
    for (const key of Object.keys(now) as (keyof typeof now)[]) if (!same(old[key], now[key])) body[key] = now[key];
    if (d.client_secret) body.client_secret = d.client_secret;
  }
  return body;
}
