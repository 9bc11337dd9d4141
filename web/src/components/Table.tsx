import type { ReactNode } from 'react';

export interface Column<T> {
  /** Column header; also the label shown beside the value when rows stack on narrow screens. */
  header: string;
  cell: (row: T) => ReactNode;
  /** Visually hide the header text (it stays for screen readers), e.g. for an actions column. */
  hideHeader?: boolean;
  className?: string;
}

interface TableProps<T> {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  loading?: boolean;
}

/** A data table with real headers; below ~700px each row becomes a labelled card. */
export function Table<T>({ caption, columns, rows, rowKey, empty = 'Nothing here yet.', loading }: TableProps<T>) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} data-label={c.hideHeader ? undefined : c.header} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr className="table-empty">
              <td colSpan={columns.length}>{loading ? 'Loading…' : empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** "Load more" under a paginated table. */
export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" className="btn" onClick={onClick} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
