import { formatDate, relativeTime } from '../lib/format.js';

/** A credential's expiry: "Never", the date with how far away it is, or the date marked Expired once passed. */
export function Expiry({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">Never</span>;
  const past = new Date(iso).getTime() <= Date.now();
  return (
    <span title={iso}>
      {formatDate(iso)}{' '}
      {past ? <span className="badge badge-red">Expired</span> : <span className="muted small">({relativeTime(iso)})</span>}
    </span>
  );
}
