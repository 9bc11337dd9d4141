import type { AuthenticationFailure, User } from '../../../src/client/types.js';
import { api, page } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { usePaged } from '../lib/hooks.js';
import { ErrorAlert } from './Alert.js';
import { LoadMore, Table, type Column } from './Table.js';

/**
 * Failed authentications (GET /v2/audit-logs/authentication-failures): refused sign-ins, keys and sessions, one row
 * per address, reason, operation and user in a 10-minute window with how many times it happened.
 */
export function AuthenticationFailuresTable({ start, end, people }: { start?: string; end?: string; people: Map<string, User> }) {
  const failures = usePaged((cursor) => page(api.auditLogs.listAuthenticationFailures({ start_time: start, end_time: end, cursor }), 'failures'), [start, end]);
  const columns: Column<AuthenticationFailure>[] = [
    { header: 'Last seen', cell: (f) => <time dateTime={f.last_at}>{formatDateTime(f.last_at)}</time> },
    { header: 'Failure', cell: (f) => <span className="badge badge-red">{f.reason}</span> },
    { header: 'Times', cell: (f) => <span className="strong">{f.count}</span> },
    { header: 'Operation', cell: (f) => <span className="mono small">{f.operation}</span> },
    {
      header: 'Target',
      cell: (f) => {
        const u = f.user_id ? people.get(f.user_id) : undefined;
        if (u) return <div><div className="strong">{u.name}</div><div className="muted small">{u.email}</div></div>;
        return f.user_id ? <code className="mono small">{f.user_id}</code> : <span className="muted">unknown</span>;
      },
    },
    { header: 'IP', cell: (f) => <span className="mono small">{f.ip}</span> },
    { header: 'Since', cell: (f) => <time dateTime={f.first_at}>{formatDateTime(f.first_at)}</time> },
  ];
  return (
    <>
      <ErrorAlert error={failures.error} />
      <Table
        caption="Failed authentications"
        columns={columns}
        rows={failures.items}
        rowKey={(f) => `${f.first_at}|${f.ip}|${f.reason}|${f.operation}|${f.user_id ?? ''}`}
        loading={failures.loading}
        empty="No failed authentications in this window."
      />
      <LoadMore hasMore={failures.hasMore} loading={failures.loading} onClick={failures.loadMore} />
    </>
  );
}
