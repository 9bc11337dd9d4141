import { encodeId } from '../../domain/ids.js';
import { redactScimToken } from '../../services/scim/scim-tokens.js';
import type { ScimStatusView } from '../../services/scim/scim-status.js';
import type { ScimTokenRow } from '../../store/schema.js';

/** A token record as the wire shows it; optional fields are omitted, never null. Never the raw token. */
export function presentScimToken(row: ScimTokenRow) {
  return {
    id: encodeId('ScimToken', row.id),
    name: row.name,
    redacted_token: redactScimToken(row),
    created_by_user_id: encodeId('User', row.created_by_user_id),
    created_at: row.created_at,
    ...(row.expires_at !== null ? { expires_at: row.expires_at } : {}),
    ...(row.last_used_at !== null ? { last_used_at: row.last_used_at } : {}),
  };
}

export function presentScimStatus(view: ScimStatusView) {
  return {
    base_url: view.baseUrl,
    live_tokens: view.liveTokens,
    last_request_at: view.lastRequestAt,
    last_sync_at: view.lastSyncAt,
    users: view.users,
    groups: view.groups,
    recent_errors: view.recentErrors.map((e) => ({
      at: e.at, method: e.method, route: e.route, status: e.status, ...(e.scimType ? { scim_type: e.scimType } : {}), detail: e.detail,
    })),
  };
}
