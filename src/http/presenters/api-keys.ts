import { encodeId } from '../../domain/ids.js';
import { keyStatus, redactKey } from '../../services/key-display.js';
import type { ApiKeyRow } from '../../store/schema.js';
import type { GraceUsage } from '../../services/key-grace-usage.js';

/** A key record as the wire shows it; optional fields are omitted, never null. `now` decides the status. */
export function presentApiKey(row: ApiKeyRow, now: string) {
  return {
    id: encodeId('ApiKey', row.id),
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    key_type: row.key_type,
    status: keyStatus(row, now),
    redacted_key: redactKey(row.public_id, row.last4),
    created_by_user_id: encodeId('User', row.created_by_user_id),
    created_at: row.created_at,
    ...(row.expires_at !== null ? { expires_at: row.expires_at } : {}),
    ...(row.last_used_at !== null ? { last_used_at: row.last_used_at } : {}),
    ...(row.replaced_by_id !== null ? { replaced_by_api_key_id: encodeId('ApiKey', row.replaced_by_id) } : {}),
  };
}

/** A key in grace's usage (rotation telemetry), as the wire shows it. */
export function presentGraceUsage(usage: GraceUsage) {
  return {
    uses_since_refresh: usage.uses,
    uses_last_hour: usage.usesLastHour,
    ...(usage.lastUsedAt !== undefined ? { last_used_at: usage.lastUsedAt } : {}),
    ...(usage.lastUsedIp !== undefined ? { last_used_ip: usage.lastUsedIp } : {}),
  };
}
