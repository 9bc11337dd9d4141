import { useAsync } from '../lib/hooks.js';
import { ErrorAlert } from './Alert.js';

/**
 * What a delete takes with it, as the server answers it (`DELETE …?dry_run=true`: the delete run and rolled
 * back), never counted in the browser. `describe` turns the answer into the list's lines.
 */
export function DeleteCascade<T>({ preview, describe }: { preview: () => Promise<T>; describe: (cascade: T) => string[] }) {
  const state = useAsync(preview, []);
  if (state.loading) return <p className="muted" role="status">Working out what this deletes…</p>;
  if (state.error) return <ErrorAlert error={state.error} />;
  if (state.data === undefined) return null;
  return (
    <ul className="cascade" aria-label="What this deletes">
      {describe(state.data).map((line) => <li key={line}>{line}</li>)}
    </ul>
  );
}

/** `1 space`, `3 spaces`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** A live service key left with its bot in no space keeps existing but can do nothing. */
export function strandedKeys(n: number): string[] {
  return n === 0 ? [] : [`${plural(n, 'service key')} left in no space (they keep existing but can do nothing; revoke them on the API keys page)`];
}
