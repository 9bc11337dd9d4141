import type { Kysely } from 'kysely';
import { isoNow } from '../../domain/clock.js';
import { ApiError, badRequest, conflict, notFound, unprocessable } from '../../domain/errors.js';
import { decodeId, encodeId, encodeProviderId, PROVIDER_ID_TYPE } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { fetchSamlMetadata } from '../../sso/outbound/index.js';
import { assertClaimPath, discoverOidcProvider } from '../../sso/oidc/index.js';
import { parseIdpMetadata } from '../../sso/saml/index.js';
import { openSecret, sealSecret } from '../../sso/secret-box.js';
import { forAccount, type AccountStore } from '../../store/account-store.js';
import { isUniqueViolation } from '../../store/constraint-errors.js';
import type { IdentityProviderChanges, NewIdentityProvider, ProviderDomain } from '../../store/repositories/identity-providers.js';
import type { Database, IdentityProtocol, IdentityProviderRow, RoleMappingRow } from '../../store/schema.js';
import { requireAccountAdmin } from '../authorize.js';
import { type Actor, runMutation, type Trx } from '../mutation.js';
import { decodeCursor, toPage } from '../pagination.js';
import { resyncScimProvider } from '../scim/scim-sync.js';
import type { ServiceDeps } from '../service-deps.js';
import { assertLoginStillPossible, assertMappingIds, checkMapping, type MappingInput } from './mapping-rules.js';
import { clientSecretKey } from './secrets-key.js';

/** The operator account (the one the bootstrap creates): domains its admins add count as validated (§1.1). */
const OPERATOR_ACCOUNT_ID = 1;


/** What this server tells identity-provider admins (§2.1, §3.3): all derived from the public URL. */
export function serviceProviderUrls(publicUrl: string) {
  return {
    entityId: publicUrl,
    acsUrl: `${publicUrl}/auth/v2/saml`,
    metadataUrl: `${publicUrl}/auth/v2/saml/metadata`,
    oidcRedirectUri: `${publicUrl}/auth/oidc/callback`,
  };
}

/** `GET /v2/sso/service-provider` (account admins). */
export function getServiceProviderInfo(ctx: ServiceDeps, principal: Principal) {
  requireAccountAdmin(principal, 'read the single sign-on settings');
  return serviceProviderUrls(ctx.config.publicUrl);
}

/** A provider with what its answers show besides the row. */
export interface ProviderView {
  row: IdentityProviderRow;
  domains: ProviderDomain[];
  /** The rules, for the full object (undefined in list entries). */
  mappings: RoleMappingRow[] | undefined;
  loginUrl: string;
  sp: ReturnType<typeof serviceProviderUrls>;
  /** SAML: what the cached metadata says. */
  idpMetadata: { entityId: string | null; ssoUrl: string | null; certificates: { sha256Fingerprint: string; notAfter: string | null }[] };
  /** OIDC: `…` and the secret's last four characters, or null when no secret is set. */
  redactedClientSecret: string | null;
}

// ---- reading ---------------------------------------------------------------------------------------------------

/** The provider of that protocol in the caller's account; a foreign-typed id is a 400, an unknown one a 404. */
export async function findProvider(db: Kysely<Database>, principal: Principal, protocol: IdentityProtocol, idpId: string): Promise<IdentityProviderRow> {
  const id = decodeId(PROVIDER_ID_TYPE[protocol], idpId, 'idp_id');
  const row = await forAccount(db, principal.accountId).identityProviders.find(id, protocol);
  if (!row) throw notFound('identity provider');
  return row;
}

/** The provider of that protocol in the caller's account, for an account admin (403 for anyone else; 404 unknown). */
export async function adminProvider(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, what: string): Promise<IdentityProviderRow> {
  requireAccountAdmin(principal, what);
  return findProvider(ctx.store.db, principal, protocol, idpId);
}

async function viewsOf(ctx: ServiceDeps, store: AccountStore, rows: IdentityProviderRow[], full: boolean): Promise<ProviderView[]> {
  const ids = rows.map((r) => r.id);
  const domains = await store.identityProviders.domainsOf(ids);
  const mappings = full ? await store.roleMappings.allOf(ids) : undefined;
  const key = rows.some((r) => r.client_secret_enc !== null) ? await clientSecretKey(ctx) : undefined;
  const sp = serviceProviderUrls(ctx.config.publicUrl);
  return rows.map((row) => ({
    row,
    domains: domains.get(row.id) ?? [],
    mappings: mappings?.get(row.id),
    loginUrl: `${ctx.config.publicUrl}${row.protocol === 'SAML' ? '/auth/v2/saml/login' : '/auth/oidc/login'}?idp_id=${encodeURIComponent(encodeProviderId(row.protocol, row.id))}`,
    sp,
    idpMetadata: metadataSummary(row.metadata_cached),
    redactedClientSecret: row.client_secret_enc === null ? null : redactSecret(row.client_secret_enc, key!),
  }));
}

function metadataSummary(xml: string | null): ProviderView['idpMetadata'] {
  if (xml === null) return { entityId: null, ssoUrl: null, certificates: [] };
  try {
    const metadata = parseIdpMetadata(xml);
    return {
      entityId: metadata.entityId,
      ssoUrl: metadata.ssoRedirectUrl ?? metadata.ssoPostUrl ?? null,
      certificates: metadata.certificates.map((c) => ({ sha256Fingerprint: c.sha256Fingerprint, notAfter: c.notAfter })),
    };
  } catch {
    // Stored metadata was valid when it was stored; a parser that got stricter since shows nothing rather than failing the read.
    return { entityId: null, ssoUrl: null, certificates: [] };
  }
}

function redactSecret(sealed: string, key: Buffer): string {
  try {
    return `…${openSecret(sealed, key).slice(-4)}`;
  } catch {
    // Sealed under another key (AX_SECRETS_KEY changed): the secret is set but cannot be shown, even in part.
    return '…';
  }
}

export async function listProviders(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, query: { limit: number; cursor?: string | undefined }) {
  requireAccountAdmin(principal, 'list identity providers');
  const scope = `${protocol.toLowerCase()}-identity-providers`;
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const store = forAccount(ctx.store.db, principal.accountId);
  const rows = await store.identityProviders.list(protocol, { after, limit: query.limit + 1 });
  const page = toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
  return { items: await viewsOf(ctx, store, page.items, false), pagination: page.pagination };
}

export async function getProvider(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string): Promise<ProviderView> {
  requireAccountAdmin(principal, 'read identity providers');
  const row = await findProvider(ctx.store.db, principal, protocol, idpId);
  return (await viewsOf(ctx, forAccount(ctx.store.db, principal.accountId), [row], true))[0]!;
}

// ---- writing ---------------------------------------------------------------------------------------------------

/** Fields both protocols share, as requests give them. */
export interface SharedProviderInput {
  name?: string | undefined;
  email_domains?: string[] | undefined;
  enabled?: boolean | undefined;
  allow_only_sso_logins?: boolean | undefined;
  sync_user_roles?: boolean | undefined;
  allow_default_login?: boolean | undefined;
  default_org_id?: string | null | undefined;
  default_org_role_id?: string | null | undefined;
  default_space_id?: string | null | undefined;
  default_space_role_id?: string | null | undefined;
}

export interface SamlProviderInput extends SharedProviderInput {
  metadata_url?: string | null | undefined;
  metadata_xml?: string | null | undefined;
  sign_authn?: boolean | undefined;
  allow_idp_initiated?: boolean | undefined;
}

export interface OidcProviderInput extends SharedProviderInput {
  issuer?: string | undefined;
  client_id?: string | undefined;
  client_secret?: string | undefined;
  scopes?: string[] | undefined;
  email_claim_path?: string | undefined;
  name_claim_path?: string | undefined;
  groups_claim_path?: string | null | undefined;
  use_userinfo?: boolean | undefined;
}

export type CreateInput<T> = T & { name: string; email_domains: string[]; role_mappings?: MappingInput[] | undefined };

const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);

/** The audit text of a provider change: the body, with the client secret redacted and metadata XML shortened. */
function auditedActor(actor: Actor, body: object): Actor {
  const text = JSON.stringify(body, (key, value: unknown) => {
    if (key === 'client_secret' && typeof value === 'string') return '[REDACTED]';
    if (key === 'metadata_xml' && typeof value === 'string') return `[metadata XML, ${value.length} characters]`;
    return value;
  });
  return { ...actor, text };
}

/** A DNS name of two or more labels: letters, digits and inner hyphens, 63 characters a label at most. */
const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Lower-cased, each a DNS name (400 naming it), without duplicates, validated as §1.1 says. */
function domainsOf(ctx: ServiceDeps, accountId: number, requested: readonly string[]): ProviderDomain[] {
  requested.forEach((d, i) => {
    if (!DNS_NAME.test(d.toLowerCase())) throw badRequest(`email_domains[${i}]: ${JSON.stringify(d)} is not a domain name (like example.com; no wildcard, no @)`);
  });
  const domains = [...new Set(requested.map((d) => d.toLowerCase()))];
  return domains.map((domain) => ({
    domain,
    validated: accountId === OPERATOR_ACCOUNT_ID || ctx.config.ssoValidatedDomains.includes(domain),
  }));
}

/** The SAML metadata columns for a request's `metadata_url` or `metadata_xml`, fetched and parsed (before any transaction). */
async function samlMetadataColumns(ctx: ServiceDeps, input: SamlProviderInput, creating: boolean): Promise<IdentityProviderChanges> {
  const url = input.metadata_url;
  const xml = input.metadata_xml;
  if (!creating && url === undefined && xml === undefined) return {};
  const given = (url ?? null) !== null ? 1 : 0;
  if (given + ((xml ?? null) !== null ? 1 : 0) !== 1) {
    throw badRequest('metadata_url, metadata_xml: give exactly one of them (a metadata URL the server fetches, or the metadata XML)');
  }
  if (url) {
    const fetched = await fetchSamlMetadata(url, { allowedPrivateHosts: ctx.config.ssoAllowedPrivateHosts });
    parseIdpMetadata(fetched);
    return { metadata_url: url, metadata_xml: null, metadata_cached: fetched, metadata_fetched_at: isoNow(ctx.clock) };
  }
  parseIdpMetadata(xml!);
  return { metadata_url: null, metadata_xml: xml!, metadata_cached: xml!, metadata_fetched_at: null };
}

/** The OIDC columns a request sets, with the issuer discovered (before any transaction) and the secret sealed. */
async function oidcColumns(ctx: ServiceDeps, input: OidcProviderInput, creating: boolean): Promise<IdentityProviderChanges> {
  const columns: IdentityProviderChanges = {};
  if (input.scopes !== undefined) {
    if (!input.scopes.includes('openid')) throw badRequest('scopes: must contain openid');
    columns.scopes = JSON.stringify([...new Set(input.scopes)]);
  } else if (creating) {
    columns.scopes = JSON.stringify(['openid', 'email', 'profile']);
  }
  for (const field of ['email_claim_path', 'name_claim_path', 'groups_claim_path'] as const) {
    const path = input[field];
    if (typeof path === 'string') assertClaimPath(field, path);
    if (path !== undefined) columns[field] = path;
  }
  if (creating) {
    columns.email_claim_path ??= 'email';
    columns.name_claim_path ??= 'name';
    columns.groups_claim_path ??= null;
  }
  if (input.client_id !== undefined) columns.client_id = input.client_id;
  if (input.use_userinfo !== undefined) columns.use_userinfo = flag(input.use_userinfo);
  if (input.client_secret !== undefined) columns.client_secret_enc = sealSecret(input.client_secret, await clientSecretKey(ctx));
  if (input.issuer !== undefined) {
    columns.discovery_cached = await discoverOidcProvider(input.issuer, { allowedPrivateHosts: ctx.config.ssoAllowedPrivateHosts });
    columns.discovery_fetched_at = isoNow(ctx.clock);
    columns.issuer = input.issuer;
  }
  return columns;
}

function sharedColumns(input: SharedProviderInput): IdentityProviderChanges {
  const columns: IdentityProviderChanges = {};
  if (input.name !== undefined) columns.name = input.name;
  if (input.enabled !== undefined) columns.enabled = flag(input.enabled);
  if (input.allow_only_sso_logins !== undefined) columns.allow_only_sso_logins = flag(input.allow_only_sso_logins);
  if (input.sync_user_roles !== undefined) columns.sync_user_roles = flag(input.sync_user_roles);
  if (input.allow_default_login !== undefined) columns.allow_default_login = flag(input.allow_default_login);
  return columns;
}

const DEFAULT_FIELDS = [
  { field: 'default_org_id', type: 'Organization' },
  { field: 'default_org_role_id', type: 'Role' },
  { field: 'default_space_id', type: 'Space' },
  { field: 'default_space_role_id', type: 'Role' },
] as const;

/** The four default ids a request leads to (row ids, null for none), over the stored ones; a malformed id is a 400. */
function decodeDefaultIds(input: SharedProviderInput, stored: IdentityProviderRow | undefined): (number | null)[] {
  return DEFAULT_FIELDS.map(({ field, type }) => {
    const given = input[field];
    if (given === undefined) return stored?.[field] ?? null;
    return given === null ? null : decodeId(type, given, field);
  });
}

/**
 * The default-login columns a request leads to, over the stored ones (a PATCH may change one default): all four or
 * none (400), all four when default login is on (422), ids of the account (404 naming the field), the organization
 * role predefined and the space in the organization (422).
 */
async function defaultColumns(store: AccountStore, input: SharedProviderInput, stored: IdentityProviderRow | undefined): Promise<IdentityProviderChanges> {
  const ids = decodeDefaultIds(input, stored);
  const [orgId, orgRoleId, spaceId, spaceRoleId] = ids;
  const set = ids.filter((id) => id !== null).length;
  if (set !== 0 && set !== 4) throw badRequest('default_org_id, default_org_role_id, default_space_id, default_space_role_id: give all four or none');
  const allowDefault = input.allow_default_login ?? stored?.allow_default_login === 1;
  if (allowDefault && set === 0) {
    throw unprocessable('allow_default_login: default login requires all four default fields (default_org_id, default_org_role_id, default_space_id, default_space_role_id)');
  }
  if (set === 4) {
    const missing = (field: string, what: string) => new ApiError('NOT_FOUND', `${field}: ${what} not found`);
    if (!await store.organizations.find(orgId!)) throw missing('default_org_id', 'organization');
    const orgRole = await store.roles.find(orgRoleId!);
    if (!orgRole) throw missing('default_org_role_id', 'role');
    if (!orgRole.predefined_key) throw unprocessable('default_org_role_id: an organization role must be a predefined role, not a custom role');
    const space = await store.spaces.find(spaceId!);
    if (!space) throw missing('default_space_id', 'space');
    if (space.organization_id !== orgId) throw unprocessable('default_space_id: the default space must be in the default organization');
    if (!await store.roles.find(spaceRoleId!)) throw missing('default_space_role_id', 'role');
  }
  return { default_org_id: orgId, default_org_role_id: orgRoleId, default_space_id: spaceId, default_space_role_id: spaceRoleId };
}

const nameTaken = (name: string) => conflict(`an identity provider named ${JSON.stringify(name)} already exists in this account`);
const domainTaken = () => new ApiError('SSO_DOMAIN_TAKEN', 'email_domains: one of these domains is already configured for another identity provider');

/** Runs a write whose unique violation means a taken name or a taken domain. */
async function unique<T>(write: () => Promise<T>, taken: () => ApiError): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

/** §2.8 / §3.3 create: validated, fetched (metadata or discovery) before the transaction, then one transaction. */
export async function createProvider(
  ctx: ServiceDeps, actor: Actor, protocol: 'SAML', input: CreateInput<SamlProviderInput>,
): Promise<ProviderView>;
export async function createProvider(
  ctx: ServiceDeps, actor: Actor, protocol: 'OIDC', input: CreateInput<OidcProviderInput>,
): Promise<ProviderView>;
export async function createProvider(
  ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, input: CreateInput<SamlProviderInput & OidcProviderInput>,
): Promise<ProviderView> {
  requireAccountAdmin(actor.principal, 'create identity providers');
  const accountId = actor.principal.accountId;
  decodeDefaultIds(input, undefined);
  assertMappingIds(input.role_mappings ?? [], 'role_mappings');
  const domains = domainsOf(ctx, accountId, input.email_domains);
  const mappings = input.role_mappings ?? [];
  if (!input.allow_default_login && mappings.length === 0) {
    throw unprocessable('role_mappings: supply initial role mappings (or turn on allow_default_login with its defaults): without either nobody could sign in');
  }
  const protocolColumns = protocol === 'SAML'
    ? { ...await samlMetadataColumns(ctx, input, true), sign_authn: flag(input.sign_authn) ?? 0, allow_idp_initiated: flag(input.allow_idp_initiated) ?? 0 }
    : await oidcColumns(ctx, input, true);
  const row = await runMutation(ctx, auditedActor(actor, input), async (trx, changes) => {
    const store = forAccount(trx, accountId);
    const values = {
      enabled: 1, allow_only_sso_logins: 0, sync_user_roles: 1, allow_default_login: 0,
      ...sharedColumns(input), ...await defaultColumns(store, input, undefined), ...protocolColumns, protocol,
    } as NewIdentityProvider;
    const now = isoNow(ctx.clock);
    const created = await unique(() => store.identityProviders.create(values, now), () => nameTaken(input.name));
    await unique(() => store.identityProviders.replaceDomains(created.id, domains), domainTaken);
    for (const [i, mapping] of mappings.entries()) {
      await store.roleMappings.insert(created.id, i + 1, await checkMapping(store, mapping, `role_mappings[${i}].`), now);
    }
    await assertLoginStillPossible(store, created);
    changes.idp(created.id);
    // A provider, its domains and its mappings are not in the access snapshot.
    changes.keepsAccess();
    return created;
  });
  return (await viewsOf(ctx, forAccount(ctx.store.db, accountId), [row], true))[0]!;
}

/** The fields that change what the mappings give (§4.4: a change recomputes the directory's grants). */
const MAPPING_INPUT_FIELDS = ['allow_default_login', 'default_org_id', 'default_org_role_id', 'default_space_id', 'default_space_role_id'] as const;

/**
 * §2.8 PATCH: any writable field; `metadata_url` and `metadata_xml` replace each other; `email_domains` replaces the set.
 * `role_mappings` (not on the REST body; GraphQL's `updateSAMLIdP`) replaces the ordered rules in the same transaction.
 */
export async function updateProvider(
  ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string,
  input: SamlProviderInput & OidcProviderInput & { role_mappings?: MappingInput[] | undefined },
): Promise<ProviderView> {
  requireAccountAdmin(actor.principal, 'update identity providers');
  const accountId = actor.principal.accountId;
  const current = await findProvider(ctx.store.db, actor.principal, protocol, idpId);
  decodeDefaultIds(input, current);
  if (input.role_mappings) assertMappingIds(input.role_mappings, 'role_mappings');
  const domains = input.email_domains === undefined ? undefined : domainsOf(ctx, accountId, input.email_domains);
  const protocolColumns = protocol === 'SAML'
    ? { ...await samlMetadataColumns(ctx, input, false), sign_authn: flag(input.sign_authn), allow_idp_initiated: flag(input.allow_idp_initiated) }
    : await oidcColumns(ctx, input, false);
  const row = await runMutation(ctx, auditedActor(actor, input), async (trx, changes) => {
    const store = forAccount(trx, accountId);
    const stored = await store.identityProviders.find(current.id, protocol);
    if (!stored) throw notFound('identity provider');
    const columns = Object.fromEntries(Object.entries({
      ...sharedColumns(input), ...await defaultColumns(store, input, stored), ...protocolColumns,
    }).filter(([, value]) => value !== undefined)) as IdentityProviderChanges;
    const updated = await unique(() => store.identityProviders.update(stored.id, columns, isoNow(ctx.clock)), () => nameTaken(input.name ?? stored.name));
    if (!updated) throw notFound('identity provider');
    if (domains) await unique(() => store.identityProviders.replaceDomains(stored.id, domains), domainTaken);
    if (input.role_mappings) {
      for (const old of await store.roleMappings.all(stored.id)) await store.roleMappings.delete(stored.id, old.id);
      for (const [i, mapping] of input.role_mappings.entries()) {
        await store.roleMappings.insert(stored.id, i + 1, await checkMapping(store, mapping, `role_mappings[${i}].`), isoNow(ctx.clock));
      }
    }
    await assertLoginStillPossible(store, updated);
    changes.idp(stored.id);
    // The provider's rows are not in the access snapshot; the grants a resync moves are.
    const resyncs = input.role_mappings !== undefined || MAPPING_INPUT_FIELDS.some((field) => input[field] !== undefined);
    changes.patchAccess(...resyncs ? await resyncScimProvider(trx, ctx, { accountId, idpId: stored.id, now: isoNow(ctx.clock), ip: actor.ip, changes }) : []);
    return updated;
  });
  return (await viewsOf(ctx, forAccount(ctx.store.db, accountId), [row], true))[0]!;
}

/**
 * §2.9: a soft delete. Its domains are freed and its links removed; every grant its syncs wrote becomes MANUAL
 * (the users keep their access, now owned by the admins) and an account role it promoted stays, unowned. The audit
 * row lists those users.
 */
export async function deleteProvider(ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string): Promise<void> {
  requireAccountAdmin(actor.principal, 'delete identity providers');
  const current = await findProvider(ctx.store.db, actor.principal, protocol, idpId);
  const accountId = actor.principal.accountId;
  // The list is computed inside the transaction; the audit row (written last) carries it.
  const audited: Actor = { ...actor };
  await runMutation(ctx, audited, async (trx: Trx, changes) => {
    const providers = forAccount(trx, accountId).identityProviders;
    const users = await providers.releaseGrants(current.id);
    const linked = await providers.removeLinks(current.id);
    const scimGroups = await providers.removeScimGroups(current.id);
    const now = isoNow(ctx.clock);
    const scimTokens = await providers.revokeScimTokens(current.id, now);
    for (const publicId of scimTokens) changes.key(publicId);
    await providers.releaseDomains(current.id);
    if (!await providers.markDeleted(current.id, now)) throw notFound('identity provider');
    for (const userId of new Set([...users, ...linked])) changes.user(userId);
    changes.idp(current.id);
    // Grants change owner, not holder; links, groups and tokens are not in the access snapshot.
    changes.keepsAccess();
    audited.text = JSON.stringify({
      grants_now_manual_for_users: users.map((id) => encodeId('User', id)),
      links_removed: linked.length,
      scim_groups_removed: scimGroups,
      scim_tokens_revoked: scimTokens.length,
    });
  });
}
