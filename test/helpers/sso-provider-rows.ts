import type { TestServer } from './server.js';

/** A role-mapping rule as stored (row ids). */
export interface StoredRule {
  attributes: Record<string, string>;
  isAccountAdmin?: boolean;
  orgRole?: { org_id: number; role_id: number };
  spaceRoles?: { space_id: number; role_id: number }[];
  projectRoles?: { project_id: number; role_id: number }[];
}

export interface ProviderRowOptions {
  accountId?: number;
  protocol?: 'SAML' | 'OIDC';
  validated?: boolean;
  sync?: boolean;
  allowOnlySso?: boolean;
  enabled?: boolean;
}

/**
 * An identity provider with one email domain and its rules, written straight into the tables (no metadata: the
 * login completion and the password rules never read it), announced on the change feed. Its row id.
 */
export async function insertProvider(server: TestServer, domain: string, rules: StoredRule[], options: ProviderRowOptions = {}): Promise<number> {
  const ctx = server.context;
  if (!ctx) throw new Error('provider rows need an in-process test server');
  const db = ctx.store.db;
  const accountId = options.accountId ?? 1;
  const now = new Date().toISOString();
  const idp = await db.insertInto('identity_providers').values({
    account_id: accountId, protocol: options.protocol ?? 'SAML', name: `idp-${domain}`, enabled: options.enabled === false ? 0 : 1,
    allow_only_sso_logins: options.allowOnlySso ? 1 : 0, sync_user_roles: options.sync === false ? 0 : 1,
    allow_default_login: 0, default_org_id: null, default_org_role_id: null, default_space_id: null, default_space_role_id: null,
    metadata_url: null, metadata_xml: null, metadata_cached: null, metadata_fetched_at: null, sign_authn: 0, allow_idp_initiated: 0,
    issuer: null, client_id: null, client_secret_enc: null, scopes: null, email_claim_path: null, name_claim_path: null, groups_claim_path: null,
    use_userinfo: 1, discovery_cached: null, discovery_fetched_at: null, created_at: now, updated_at: now, deleted_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('identity_provider_domains').values({ domain, idp_id: idp.id, validated: options.validated === false ? 0 : 1 }).execute();
  for (const [i, rule] of rules.entries()) {
    await db.insertInto('role_mappings').values({
      account_id: accountId, idp_id: idp.id, position: i + 1, attributes_map: JSON.stringify(rule.attributes), is_account_admin: rule.isAccountAdmin ? 1 : 0,
      org_role: rule.orgRole ? JSON.stringify(rule.orgRole) : null, space_roles: JSON.stringify(rule.spaceRoles ?? []),
      project_roles: JSON.stringify(rule.projectRoles ?? []), created_at: now, updated_at: now,
    }).execute();
  }
  await ctx.changes.publish({ accountId, idpIds: [idp.id] });
  return idp.id;
}
