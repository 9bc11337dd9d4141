import { encodeId } from '../../src/domain/ids.js';
import type { ApiResponse, TestServer } from './server.js';
import { insertProvider, type StoredRule } from './sso-provider-rows.js';

export const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCIM_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A request to `/scim/v2` with the directory's token (`token: null` sends none, a string sends that one). */
export type ScimRequest = (method: string, path: string, body?: unknown, options?: { token?: string | null; contentType?: string }) => Promise<ApiResponse>;

export interface ScimSetup {
  /** The identity provider's row id. */
  idpId: number;
  /** Its REST id (`SamlIdentityProvider:n` / `OidcIdentityProvider:n`), as the admin API and audit rows name it. */
  idpWireId: string;
  /** The raw SCIM token, as the admin API returned it once. */
  token: string;
  scim: ScimRequest;
}

export interface ScimSetupOptions {
  protocol?: 'SAML' | 'OIDC';
  /** The provider's email domains; the first is the one `insertProvider` writes, the rest are added. */
  domains: string[];
  /** Whether the domains are validated (default true). */
  validated?: boolean;
  rules?: StoredRule[];
  accountId?: number;
  /** The admin key of the provider's account (default the server's bootstrap admin). */
  adminKey?: string;
}

/**
 * A directory connection, as an account admin sets one up: an identity provider (rows written directly, as the SSO
 * tests do), its email domains and role mappings, and a SCIM token created through the admin API; then a request
 * function that speaks `application/scim+json` with that token.
 */
export async function setUpScim(server: TestServer, options: ScimSetupOptions): Promise<ScimSetup> {
  const [first, ...more] = options.domains;
  if (first === undefined) throw new Error('setUpScim needs at least one domain');
  const protocol = options.protocol ?? 'SAML';
  const idpId = await insertProvider(server, first, options.rules ?? [], { protocol, validated: options.validated, accountId: options.accountId });
  const db = server.context!.store.db;
  for (const domain of more) await db.insertInto('identity_provider_domains').values({ domain, idp_id: idpId, validated: options.validated === false ? 0 : 1 }).execute();
  const idpWireId = encodeId(protocol === 'SAML' ? 'SamlIdentityProvider' : 'OidcIdentityProvider', idpId);
  const token = await createScimToken(server, protocol, idpWireId, options.adminKey);
  return { idpId, idpWireId, token, scim: scimRequests(server, token) };
}

/** A new SCIM token of the provider (admin API, §5.1), its raw value. */
export async function createScimToken(server: TestServer, protocol: 'SAML' | 'OIDC', idpWireId: string, adminKey?: string): Promise<string> {
  const kind = protocol === 'SAML' ? 'saml' : 'oidc';
  const res = await server.api('POST', `/v2/${kind}-identity-providers/${encodeURIComponent(idpWireId)}/scim-tokens`, {
    key: adminKey ?? server.adminKey, body: { name: 'directory' },
  });
  if (res.status !== 201 || typeof res.body?.token !== 'string') throw new Error(`creating a SCIM token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Requests to `/scim/v2` with this token, bodies sent as `application/scim+json` as Entra and Okta do. */
export function scimRequests(server: TestServer, token: string): ScimRequest {
  return (method, path, body, options = {}) => server.api(method, `/scim/v2${path}`, {
    key: options.token === undefined ? token : options.token,
    body,
    headers: body === undefined ? {} : { 'content-type': options.contentType ?? 'application/scim+json' },
  });
}

/** A PatchOp body with these operations, as a directory sends it. */
export const patchOp = (...Operations: object[]) => ({ schemas: [SCIM_PATCH_OP], Operations });

/** The `id` of the user a directory created (POST /Users), checking it was created. */
export async function createScimUser(scim: ScimRequest, user: Record<string, unknown>): Promise<string> {
  const res = await scim('POST', '/Users', { schemas: [SCIM_USER], ...user });
  if (res.status !== 201) throw new Error(`POST /Users: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}
