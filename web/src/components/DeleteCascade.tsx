import { useAsync } from '../lib/hooks.js';
import { AccessChanges, type PrincipalChange } from './AccessPreview.js';
import { ErrorAlert } from './Alert.js';

/** The principals a dry run answers beside its counts, when the server answers them. */
function principalsOf(cascade: unknown): readonly PrincipalChange[] | undefined {
  const principals = (cascade as { principals?: unknown }).principals;
  return Array.isArray(principals) ? (principals as PrincipalChange[]) : undefined;
}

/** Whether the server left the principals out (too many changes of access to list). */
const principalsOmitted = (cascade: unknown) => (cascade as { principals_omitted?: unknown }).principals_omitted === true;

/**
 * What a delete takes with it, as the server answers it (`DELETE …?dry_run=true`: the delete run and rolled
 * back), never counted in the browser. `describe` turns the answer into the list's lines; whose access the delete
 * changes follows when the answer says it.
 */
export function DeleteCascade<T>({ preview, describe }: { preview: () => Promise<T>; describe: (cascade: T) => string[] }) {
  const state = useAsync(preview, []);
  if (state.loading) return <p className="muted" role="status">Working out what this deletes…</p>;
  if (state.error) return <ErrorAlert error={state.error} />;
  if (state.data === undefined) return null;
  const principals = principalsOf(state.data);
  return (
    <>
      <ul className="cascade" aria-label="What this deletes">
        {describe(state.data).map((line) => <li key={line}>{line}</li>)}
      </ul>
      {principals && <AccessChanges principals={principals} omitted={principalsOmitted(state.data)} />}
    </>
  );
}
