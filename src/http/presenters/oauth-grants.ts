import { encodeId } from '../../domain/ids.js';
import type { OAuthGrantView } from '../../services/oauth/grants.js';

/** A CLI login as the wire shows it (OAuthGrant); its tokens are never part of it. */
export function presentOAuthGrant(grant: OAuthGrantView) {
  return {
    id: encodeId('OAuthGrant', grant.rowId),
    user_id: encodeId('User', grant.userId),
    user_email: grant.userEmail,
    client_id: grant.clientId,
    client_name: grant.clientName,
    scopes: grant.scopes,
    created_at: grant.createdAt,
    last_used_at: grant.lastUsedAt,
    expires_at: grant.expiresAt,
  };
}
