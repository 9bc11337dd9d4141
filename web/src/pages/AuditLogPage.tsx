import { useState, type FormEvent } from 'react';
import { api, listAll, page } from '../lib/api.js';
import type { AuditLog, AuditOperationType as OperationType } from '../../../src/client/types.js';
import { ErrorAlert } from '../components/Alert.js';
import { AuthenticationFailuresTable } from '../components/AuthenticationFailuresTable.js';
import { Field } from '../components/Field.js';
import { PageHeader } from '../components/PageHeader.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { Tabs } from '../components/Tabs.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../lib/format.js';
import { useAsync, usePaged } from '../lib/hooks.js';
import { setQuery, useLocation } from '../lib/router.js';

const OPERATION_TYPES: OperationType[] = ['MUTATION', 'QUERY', 'SUBSCRIPTION'];

/**
 * The account's audit log (account admins only), newest first, filtered by time, user and operation type; a second tab
 * lists failed authentications, which are not audit entries (nobody was authenticated) and have an endpoint of their own.
 */
export function AuditLogPage() {
  const { query } = useLocation();
  const start = query.get('from') ?? undefined;
  const end = query.get('to') ?? undefined;
  const userId = query.get('user') ?? undefined;
  const opParam = query.get('op') as OperationType | null;
  const op = opParam && OPERATION_TYPES.includes(opParam) ? opParam : undefined;
  const view = query.get('view') === 'failures' ? 'failures' : 'actions';

  const people = useAsync(() => listAll((cursor) => page(api.users.list({ limit: 100, cursor }), 'users')), []);
  const byId = new Map((people.data ?? []).map((u) => [u.id, u]));
  const logs = usePaged(
    (cursor) => view === 'actions'
      ? page(api.auditLogs.list({ start_time: start, end_time: end, user_id: userId, operation_type: op, cursor }), 'logs')
      : Promise.resolve({ items: [], pagination: { has_more: false } }),
    [start, end, userId, op, view],
  );

  const [from, setFrom] = useState(start ? isoToLocalInput(start) : '');
  const [to, setTo] = useState(end ? isoToLocalInput(end) : '');
  const [user, setUser] = useState(userId ?? '');
  const [type, setType] = useState<string>(op ?? '');

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ from: localInputToIso(from), to: localInputToIso(to), user: user || undefined, op: type || undefined });
  };
  const clear = () => {
    setFrom('');
    setTo('');
    setUser('');
    setType('');
    setQuery({ from: undefined, to: undefined, user: undefined, op: undefined });
  };

  const columns: Column<AuditLog>[] = [
    { header: 'Time', cell: (l) => <time dateTime={l.created_at}>{formatDateTime(l.created_at)}</time> },
    {
      header: 'User',
      cell: (l) => {
        const u = byId.get(l.user_id);
        return u ? (
          <div>
            <div className="strong">{u.name}</div>
            <div className="muted small">{u.email}</div>
          </div>
        ) : (
          <code className="mono small">{l.user_id || 'anonymous'}</code>
        );
      },
    },
    {
      header: 'Operation',
      cell: (l) => (
        <div>
          <span className={l.operation_type === 'MUTATION' ? 'badge badge-blue' : 'badge badge-gray'}>{l.operation_type}</span>{' '}
          <span className="mono small">{l.operation_name ?? ''}</span>
        </div>
      ),
    },
    { header: 'IP', cell: (l) => <span className="mono small">{l.ip}</span> },
    {
      header: 'Details',
      cell: (l) =>
        l.operation_text || l.variables !== undefined ? (
          <details className="details">
            <summary>Show</summary>
            {l.operation_text && <pre className="code-block">{l.operation_text}</pre>}
            {l.variables !== undefined && <pre className="code-block">{JSON.stringify(l.variables, null, 2)}</pre>}
          </details>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];

  return (
    <>
      <PageHeader title="Audit log">
        <p>Every change, and apart from them every failed sign-in or key use, newest first. Without a start time it shows the last 30 days.</p>
      </PageHeader>
      <form className="toolbar filters" onSubmit={apply} aria-label="Filter the audit log">
        <Field label="From" className="field-inline">
          {(p) => <input {...p} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field label="To" className="field-inline">
          {(p) => <input {...p} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        {view === 'actions' && (
          <>
            <Field label="User" className="field-inline">
              {(p) => (
                <select {...p} value={user} onChange={(e) => setUser(e.target.value)}>
                  <option value="">Anyone</option>
                  {(people.data ?? []).map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name} ({u.email})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Operation" className="field-inline">
              {(p) => (
                <select {...p} value={type} onChange={(e) => setType(e.target.value)}>
                  <option value="">Any</option>
                  {OPERATION_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t.charAt(0) + t.slice(1).toLowerCase()}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
        <div className="button-row filters-actions">
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
          <button type="button" className="btn" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      <Tabs
        label="Audit log views"
        tabs={[
          { id: 'actions', label: 'Actions' },
          { id: 'failures', label: 'Failed authentications' },
        ]}
        selected={view}
        onSelect={(id) => setQuery({ view: id === 'failures' ? 'failures' : undefined })}
      >
        {view === 'actions' ? (
          <>
            <ErrorAlert error={logs.error} />
            <Table caption="Audit log entries" columns={columns} rows={logs.items} rowKey={(l) => l.id} loading={logs.loading} empty="No entries match these filters." />
            <LoadMore hasMore={logs.hasMore} loading={logs.loading} onClick={logs.loadMore} />
          </>
        ) : (
          <AuthenticationFailuresTable start={start} end={end} people={byId} />
        )}
      </Tabs>
    </>
  );
}
