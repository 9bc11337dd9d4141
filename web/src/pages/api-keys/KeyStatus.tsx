import { isLapsed } from '../../../../src/client/key-expiry.js';
import type { ApiKey } from '../../../../src/client/types.js';
import { formatDateTime } from '../../lib/format.js';
import './api-keys.css';

/** Within this long of the grace period's end, an old key still in use is flagged: cut over now. */
const WARN_MS = 15 * 60_000;

/**
 * A key's status as a person reads it: Active, Revoked, Expired (the wire keeps a key past its own `expires_at`
 * ACTIVE, and the key is refused all the same), or — the old key of a refresh still in its grace period —
 * "Replaced, valid until …" (the server names the replacement; the old key stops at its `expires_at`), with how much
 * the old key is still used (its `grace_usage`).
 */
export function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status === 'REVOKED') return <span className="badge badge-gray">Revoked</span>;
  if (isLapsed(apiKey)) {
    return <span className="badge badge-gray" title={`expired ${formatDateTime(apiKey.expires_at)}`}>Expired</span>;
  }
  if (apiKey.replaced_by_api_key_id) {
    return (
      <span>
        <span className="badge badge-amber">Replaced</span>{' '}
        <span className="small">{apiKey.expires_at ? `valid until ${formatDateTime(apiKey.expires_at)}` : 'still valid'}</span>
        {apiKey.grace_usage && <GraceUsage apiKey={apiKey} usage={apiKey.grace_usage} />}
      </span>
    );
  }
  return <span className="badge badge-green">Active</span>;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** "in 40 min", "in 2 h 5 min", "in less than a minute". */
function remaining(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'in less than a minute';
  return minutes < 60 ? `in ${minutes} min` : `in ${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/**
 * "Old key used 12 times in the last hour, last from 10.0.0.7 — grace ends in 40 min": whether it is safe to cut
 * over. When the grace period ends within 15 minutes while the old key was used in the last hour, it is a warning.
 */
function GraceUsage({ apiKey, usage }: { apiKey: ApiKey; usage: NonNullable<ApiKey['grace_usage']> }) {
  const left = apiKey.expires_at ? Date.parse(apiKey.expires_at) - Date.now() : undefined;
  const ends = left === undefined ? '' : ` — grace ends ${remaining(Math.max(0, left))}`;
  const from = usage.last_used_ip ? `, last from ${usage.last_used_ip}` : '';
  let text: string;
  if (usage.uses_since_refresh === 0) text = 'Old key not used since the refresh: safe to revoke';
  else if (usage.uses_last_hour === 0) text = `Old key not used in the last hour (${times(usage.uses_since_refresh)} since the refresh${from})`;
  else text = `Old key used ${times(usage.uses_last_hour)} in the last hour${from}`;
  const warn = left !== undefined && left <= WARN_MS && usage.uses_last_hour > 0;
  return (
    <span className={`grace-usage small${warn ? ' grace-usage-warning' : ''}`} role={warn ? 'alert' : undefined}
      title={usage.last_used_at ? `last used ${formatDateTime(usage.last_used_at)}` : undefined}>
      {warn && <strong>Still in use: </strong>}
      {text}{ends}
    </span>
  );
}
