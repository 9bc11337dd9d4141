import { useMemo, useState, type FormEvent } from 'react';
import { api, listAll, page, type Page } from '../lib/api.js';
import type { AuditLog, AuditOperationType as OperationType } from '../../../src/client/types.js';
import { ErrorAlert } from '../components/Alert.js';
import { AuditSentence } from '../components/AuditSentence.js';
import { AuthenticationFailuresTable } from '../components/AuthenticationFailuresTable.js';
import { Field } from '../components/Field.js';
import { AccountAdminsOnly } from '../components/NotAllowed.js';
import { PageHeader } from '../components/PageHeader.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { Tabs } from '../components/Tabs.js';
import { auditCsv, auditJson, describeEntry, prettyJson, segmentsText, type AuditNames } from '../lib/audit-entries.js';
import { useAuditNames } from '../lib/audit-names.js';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../lib/format.js';
import { useAsync, usePaged } from '../lib/hooks.js';
import { setQuery, useLocation } from '../lib/router.js';

const OPERATION_TYPES: OperationType[] = ['MUTATION', 'QUERY', 'SUBSCRIPTION'];

/** With a target filter the page reads the whole window (up to this many entries) and filters it here. */
const TARGET_SCAN = 2000;
/** An export holds at most this many entries. */
const EXPORT_MAX = 10_000;

/** An entry concerns `target` when its sentence, its ids or its body mention it (case-insensitive). */
function concerns(entry: AuditLog, names: AuditNames, target: string): boolean {
  const needle = target.toLowerCase();
  const haystack = [segmentsText(describeEntry(entry, names)), entry.variables ?? '', entry.operation_text ?? ''].join('\n').toLowerCase();
  return haystack.includes(needle);
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

const AUDIT_TITLE = 'Audit log';

/**
 * The account's audit log (account admins only), newest first, filtered by time, user, operation type and target; a
 * second tab lists failed authentications, which are not audit entries (nobody was authenticated) and have an
 * endpoint of their own. Anyone else is told once that the page is not theirs, and no request is sent.
 */
export function AuditLogPage() {
  return (
    <AccountAdminsOnly title={AUDIT_TITLE} why="The audit log is for account admins. Ask one of them if you need to know who changed what.">
      <AuditLogView />
    </AccountAdminsOnly>
  );
}

function AuditLogView() {
  const { query } = useLocation();
  const start = query.get('from') ?? undefined;
  const end = query.get('to') ?? undefined;
  const userId = query.get('user') ?? undefined;
  const opParam = query.get('op') as OperationType | null;
  const op = opParam && OPERATION_TYPES.includes(opParam) ? opParam : undefined;
  const targetParam = query.get('target') ?? '';
  const view = query.get('view') === 'failures' ? 'failures' : 'actions';

  const people = useAsync(() => listAll((cursor) => page(api.users.list({ limit: 100, cursor }), 'users')), []);
  const byId = useMemo(() => new Map((people.data ?? []).map((u) => [u.id, u])), [people.data]);
  const filters = { start_time: start, end_time: end, user_id: userId, operation_type: op };
  const logs = usePaged(
    (cursor): Promise<Page<AuditLog>> => {
      if (view !== 'actions') return Promise.resolve({ items: [], pagination: { has_more: false } });
      if (targetParam) {
        return listAll((c) => page(api.auditLogs.list({ ...filters, limit: 100, cursor: c }), 'logs'), TARGET_SCAN)
          .then((items) => ({ items, pagination: { has_more: false } }));
      }
      return page(api.auditLogs.list({ ...filters, cursor }), 'logs');
    },
    [start, end, userId, op, view, targetParam],
  );
  const names = useAuditNames(logs.items, people.data ?? []);
  const shown = targetParam ? logs.items.filter((l) => concerns(l, names, targetParam)) : logs.items;

  const [from, setFrom] = useState(start ? isoToLocalInput(start) : '');
  const [to, setTo] = useState(end ? isoToLocalInput(end) : '');
  const [user, setUser] = useState(userId ?? '');
  const [type, setType] = useState<string>(op ?? '');
  const [target, setTarget] = useState(targetParam);
  const [exporting, setExporting] = useState<'csv' | 'json'>();
  const [exportError, setExportError] = useState<unknown>();

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ from: localInputToIso(from), to: localInputToIso(to), user: user || undefined, op: type || undefined, target: target.trim() || undefined });
  };
  const clear = () => {
    setFrom('');
    setTo('');
    setUser('');
    setType('');
    setTarget('');
    setQuery({ from: undefined, to: undefined, user: undefined, op: undefined, target: undefined });
  };
  const exportAs = async (format: 'csv' | 'json') => {
    setExporting(format);
    setExportError(undefined);
    try {
      const all = await listAll((cursor) => page(api.auditLogs.list({ ...filters, limit: 100, cursor }), 'logs'), EXPORT_MAX);
      const entries = targetParam ? all.filter((l) => concerns(l, names, targetParam)) : all;
      const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
      if (format === 'csv') download(`audit-log-${stamp}.csv`, 'text/csv', auditCsv(entries, names));
      else download(`audit-log-${stamp}.json`, 'application/json', auditJson(entries, names));
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(undefined);
    }
  };

  const columns: Column<AuditLog>[] = [
    { header: 'Time', cell: (l) => <time dateTime={l.created_at}>{formatDateTime(l.created_at)}</time> },
    {
      header: 'Event',
      cell: (l) => (
        <div>
          <AuditSentence segments={describeEntry(l, names)} />
          <div className="muted small">
            <span className="mono">{l.operation_name ?? l.operation_type}</span>
          </div>
        </div>
      ),
    },
    { header: 'IP', cell: (l) => <span className="mono small">{l.ip}</span> },
    {
      header: 'Details',
      cell: (l) =>
        l.operation_text || l.variables ? (
          <details className="details">
            <summary>Show</summary>
            {l.variables && (
              <>
                <div className="muted small">Path and query</div>
                <pre className="code-block">{prettyJson(l.variables)}</pre>
              </>
            )}
            {l.operation_text && (
              <>
                <div className="muted small">Request body</div>
                <pre className="code-block">{prettyJson(l.operation_text)}</pre>
              </>
            )}
          </details>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={AUDIT_TITLE}
        actions={
          view === 'actions' && (
            <div className="button-row">
              <button type="button" className="btn" disabled={exporting !== undefined} onClick={() => void exportAs('csv')}>
                {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
              </button>
              <button type="button" className="btn" disabled={exporting !== undefined} onClick={() => void exportAs('json')}>
                {exporting === 'json' ? 'Exporting…' : 'Export JSON'}
              </button>
            </div>
          )
        }
      >
        <p>
          Every change, who made it and to what, newest first; failed sign-ins and refused keys are on their own tab. Without a start time it
          shows the last 30 days. Exports hold every entry that matches the filters.
        </p>
      </PageHeader>
      <ErrorAlert error={exportError} title="The export failed" />
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
            <Field label="Target" className="field-inline">
              {(p) => <input {...p} type="search" value={target} placeholder="a name or id" onChange={(e) => setTarget(e.target.value)} />}
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
            {!logs.error && (
              <Table caption="Audit log entries" columns={columns} rows={shown} rowKey={(l) => l.id} loading={logs.loading} empty="No entries match these filters." />
            )}
            <LoadMore hasMore={logs.hasMore} loading={logs.loading} onClick={logs.loadMore} />
          </>
        ) : (
          <AuthenticationFailuresTable start={start} end={end} people={byId} />
        )}
      </Tabs>
    </>
  );
}
