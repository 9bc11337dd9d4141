import type { ApiKey } from '../../../../src/client/types.js';
import { formatDateTime } from '../../lib/format.js';

/**
 * A key's status as a person reads it: Active, Revoked, or — the old key of a refresh still in its grace period —
 * "Replaced, valid until …" (the server names the replacement; the old key stops at its `expires_at`).
 */
export function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status === 'REVOKED') return <span className="badge badge-gray">Revoked</span>;
  if (apiKey.replaced_by_api_key_id) {
    return (
      <span>
        <span className="badge badge-amber">Replaced</span>{' '}
        <span className="small">{apiKey.expires_at ? `valid until ${formatDateTime(apiKey.expires_at)}` : 'still valid'}</span>
      </span>
    );
  }
  return <span className="badge badge-green">Active</span>;
}
