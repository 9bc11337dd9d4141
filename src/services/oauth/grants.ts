import { isoNow } from '../../domain/clock.js';
import { forbidden, notFound } from '../../domain/errors.js';
import { decodeId, encodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { type Actor, runMutation } from '../mutation.js';
import { decodeCursor, toPage } from '../pagination.js';
import type { ServiceDeps } from '../service-deps.js';
import { forAccount } from '../../store/account-store.js';
import { OAuthGrantRecords, type OAuthGrantRow } from '../../store/oauth-grants.js';
import { OAuthPayloadRecords } from '../../store/oauth-payloads.js';
import { CLI_CLIENT } from './provider.js';

/** A CLI login as the API shows it (wire: OAuthGrant). */
export interface OAuthGrantView {
  rowId: number;
  userId: number;
  userEmail: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

export interface ListOAuthGrantsQuery {
  user_id?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

function viewOf(row: OAuthGrantRow): OAuthGrantView {
  const payload = JSON.parse(row.payload) as { openid?: { scope?: string } };
  const clientId = row.client_id ?? CLI_CLIENT.client_id;
  return {
    rowId: row.row_id,
    userId: row.user_id,
    userEmail: row.user_email,
    clientId,
    clientName: clientId === CLI_CLIENT.client_id ? CLI_CLIENT.client_name : clientId,
    scopes: (payload.openid?.scope ?? '').split(' ').filter((scope) => scope !== ''),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/**
 * `GET /v2/oauth-grants`: the caller's live CLI logins, or (`user_id`) another user's of the same account for an
 * account ADMIN — 403 for anyone else, 404 for a user the account does not have. Keyset-paginated, oldest first.
 */
export async function listOAuthGrants(ctx: ServiceDeps, principal: Principal, query: ListOAuthGrantsQuery) {
  const scope = 'oauth-grants';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  let userId = principal.userId;
  if (query.user_id !== undefined) {
    userId = decodeId('User', query.user_id, 'user_id');
    if (userId !== principal.userId && principal.role !== 'ADMIN') throw forbidden('user_id: only account admins may list the CLI logins of other users');
    if (!await forAccount(ctx.store.db, principal.accountId).users.find(userId)) throw notFound('user');
  }
  const rows = await new OAuthGrantRecords(ctx.store.db, principal.accountId).listForUser(userId, { now: isoNow(ctx.clock), after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (row) => row.row_id, viewOf);
}

/**
 * `DELETE /v2/oauth-grants/{grant_id}`: ends a CLI login — the grant and every code, access and refresh token issued
 * under it, so its tokens are refused on the next request (they are read per request). The caller's own logins, or
 * any login of the account for an account ADMIN; another user's login is a 404 to anyone else (its existence is not
 * theirs to learn). Audited as OAUTH_GRANT_REVOKED (identity.md §9), naming the route in the text.
 */
export async function revokeOAuthGrant(ctx: ServiceDeps, actor: Actor, grantWireId: string): Promise<void> {
  const rowId = decodeId('OAuthGrant', grantWireId, 'grant_id');
  const { principal } = actor;
  const grant = await new OAuthGrantRecords(ctx.store.db, principal.accountId).find(rowId, isoNow(ctx.clock));
  if (!grant || (grant.user_id !== principal.userId && principal.role !== 'ADMIN')) throw notFound('CLI login');
  const audited: Actor = {
    ...actor,
    operation: 'OAUTH_GRANT_REVOKED',
    text: JSON.stringify({ request: actor.operation, client_id: grant.client_id, user_id: encodeId('User', grant.user_id), user_email: grant.user_email, reason: 'revoked through the API or the console' }),
  };
  await runMutation(ctx, audited, async (trx, changes) => {
    await new OAuthPayloadRecords(trx).revokeGrant(grant.grant_id);
    changes.user(grant.user_id);
  });
}
