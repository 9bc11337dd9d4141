import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { Page } from './api.js';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on `reload()`); results of superseded runs are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    loadRef.current().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export interface PagedState<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * Cursor pagination with "Load more": the first page loads when `deps` change, later pages append. `first`, when the
 * first page is here already (an early answer of the console's entry), is shown from the first render and not asked
 * for again.
 */
export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, deps: DependencyList, first?: Page<T>): PagedState<T> {
  const [items, setItems] = useState<T[]>(first?.items ?? []);
  const [cursor, setCursor] = useState<string | undefined>(first?.pagination.next_cursor);
  const [hasMore, setHasMore] = useState(first?.pagination.has_more ?? false);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(first === undefined);
  const seeded = useRef(first !== undefined);
  const [generation, setGeneration] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const runRef = useRef(0);

  const run = useCallback((from: string | undefined, append: boolean) => {
    const id = ++runRef.current;
    setLoading(true);
    setError(undefined);
    fetchRef.current(from).then(
      (p) => {
        if (id !== runRef.current) return;
        setItems((prev) => (append ? [...prev, ...p.items] : p.items));
        setHasMore(p.pagination.has_more);
        setCursor(p.pagination.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (id !== runRef.current) return;
        if (!append) setItems([]);
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    if (seeded.current) {
      seeded.current = false;
      return;
    }
    run(undefined, false);
  }, [...deps, generation]);

  const loadMore = useCallback(() => {
    if (cursor) run(cursor, true);
  }, [cursor, run]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, error, loading, hasMore, loadMore, reload };
}

/** `value`, settled for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Sets the document title for the page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · AX Admin`;
  }, [title]);
}
