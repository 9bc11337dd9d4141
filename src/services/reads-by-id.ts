import { isoNow } from '../domain/clock.js';
import { notFound } from '../domain/errors.js';
import { decodeId, encodeId, encodeProviderId, MAX_ROW_ID } from '../domain/ids.js';
import type { Principal } from '../domain/principal.js';
import { keyStatus } from '../keys/index.js';
import { forAccount } from '../store/account-store.js';
import type { ApiKeyRow, AuditLogRow, RoleMappingRow } from '../store/schema.js';
import { listApiKeys } from './api-keys.js';
import { requireAuditReader } from './audit-logs.js';
import { getRoleMapping } from './identity-providers/role-mappings.js';
import { listOrganizationMembers } from './organizations.js';
import { encodeCursor } from './pagination.js';
import type { ServiceDeps } from './service-deps.js';
import { listSpaceMembers } from './spaces.js';

/**
 * Reads by id of what REST shows only in its lists (memberships, API keys, audit entries), for GraphQL's
 * `node(id:)`. Each asks the list REST serves for the one-row page that starts at the id (the keyset cursor just
 * before it), with the filters that list allows the caller at their widest, so a row is answered exactly when
 * REST would list it to the same caller: no visibility rule is written a second time. Anything else is the list's
 * own refusal (FORBIDDEN) or NOT_FOUND, whether or not the row exists. An audit entry is read by its id alone: the
 * log lists every entry of the account to its readers, in any time window.
 */

type SpaceMember = Awaited<ReturnType<typeof listSpaceMembers>>['items'][number];
type OrganizationMember = Awaited<ReturnType<typeof listOrganizationMembers>>['items'][number];

/** The cursor of an ascending list that makes its next page start at `n`. */
const before = (ctx: ServiceDeps, scope: string, n: number) => encodeCursor(ctx.secrets.cursorKey, { s: scope, k: n - 1 });

/** The membership as `GET /v2/spaces/{id}/users` lists it (SPACE_READ on its space). */
export async function getSpaceMembership(ctx: ServiceDeps, principal: Principal, membershipId: string): Promise<SpaceMember> {
  const n = decodeId('SpaceMembership', membershipId, 'id');
  const spaceN = await forAccount(ctx.store.db, principal.accountId).spaces.spaceOfMembership(n);
  if (spaceN === undefined) throw notFound('space membership');
  const page = await listSpaceMembers(ctx, principal, encodeId('Space', spaceN), { limit: 1, cursor: before(ctx, 'space-members', n) });
  const row = page.items[0];
  if (row?.id !== n) throw notFound('space membership');
  return row;
}

/** The membership as `GET /v2/organizations/{id}/users` lists it (ORGANIZATION_READ on its organization). */
export async function getOrganizationMembership(ctx: ServiceDeps, principal: Principal, membershipId: string): Promise<OrganizationMember> {
  const n = decodeId('OrganizationMembership', membershipId, 'id');
  const orgN = await forAccount(ctx.store.db, principal.accountId).organizations.organizationOfMembership(n);
  if (orgN === undefined) throw notFound('organization membership');
  const page = await listOrganizationMembers(ctx, principal, encodeId('Organization', orgN), { limit: 1, cursor: before(ctx, 'organization-members', n) });
  const row = page.items[0];
  if (row?.id !== n) throw notFound('organization membership');
  return row;
}

/**
 * The key as `GET /v2/api-keys` lists it: an account admin sees every key of the account (`all_users=true`);
 * anyone else the keys it created, directly or through a bot key it created (`created_by_user_id` = itself), a
 * SERVICE key only while holding SERVICE_KEY_READ on each of its spaces. Answers the row and the time its status
 * was read at.
 */
export async function getApiKey(ctx: ServiceDeps, principal: Principal, apiKeyId: string): Promise<{ row: ApiKeyRow; now: string }> {
  const n = decodeId('ApiKey', apiKeyId, 'api_key_id');
  const found = await forAccount(ctx.store.db, principal.accountId).apiKeys.find(n);
  if (!found) throw notFound('API key');
  const widest = principal.role === 'ADMIN' ? { all_users: true } : { created_by_user_id: encodeId('User', principal.userId) };
  const page = await listApiKeys(ctx, principal, {
    ...widest, status: keyStatus(found, isoNow(ctx.clock)), limit: 1, cursor: before(ctx, 'api-keys', n),
  });
  const listed = page.items[0];
  if (listed?.row.id !== n) throw notFound('API key');
  return { row: listed.row, now: page.now };
}

/** The entry as `GET /v2/audit-logs` lists it in any time window (account admins). */
export async function getAuditLog(ctx: ServiceDeps, principal: Principal, auditLogId: string): Promise<AuditLogRow> {
  requireAuditReader(principal);
  const row = await forAccount(ctx.store.db, principal.accountId).auditLogs.find(decodeId('AuditLog', auditLogId, 'id'));
  if (!row) throw notFound('audit log entry');
  return row;
}

/** A rule of a SAML provider through `GET /v2/saml-identity-providers/{idp_id}/role-mappings/{mapping_id}` (account admins). */
export async function getSamlRoleMapping(ctx: ServiceDeps, principal: Principal, mappingId: string): Promise<RoleMappingRow> {
  const n = decodeId('RoleMapping', mappingId, 'mapping_id');
  const idpN = await forAccount(ctx.store.db, principal.accountId).roleMappings.providerOf(n);
  // An unknown rule goes to REST's read too (under any provider id: no provider has it), so that anyone but an
  // account admin is refused there before anything is looked up, whether the rule exists or not.
  return getRoleMapping(ctx, principal, 'SAML', encodeProviderId('SAML', idpN ?? MAX_ROW_ID), mappingId);
}
