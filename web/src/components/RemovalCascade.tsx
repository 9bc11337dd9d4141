import { useId } from 'react';
import type { RemovalCascade, RemovalParams, ServiceKeyAction } from '../../../src/client/types.js';
import { useAsync } from '../lib/hooks.js';
import { AccessChanges } from './AccessPreview.js';
import { ErrorAlert } from './Alert.js';
import { CopyButton } from './CopyButton.js';
import { Dialog } from './Dialog.js';

/**
 * The server's own dry run of a removal (a member's removal, a user's deletion): what it takes and the service
 * keys the person created, which keep working unless the admin chooses to revoke or rotate them.
 */
export function useRemovalPreview(remove: (params: RemovalParams) => Promise<RemovalCascade | undefined>, deps: readonly unknown[]) {
  return useAsync(() => remove({ dry_run: true }), [...deps]);
}

const CHOICES: { value: ServiceKeyAction; label: string; hint: string }[] = [
  { value: 'keep', label: 'Keep them', hint: 'they keep working; the person may still hold their secrets' },
  { value: 'revoke', label: 'Revoke them', hint: 'every client using them is refused at once' },
  { value: 'rotate', label: 'Rotate them', hint: 'new secrets are shown once, here; the old ones stop at once' },
];

interface CascadeSummaryProps {
  preview: ReturnType<typeof useRemovalPreview>;
  /** The lines describing the counts, from the preview. */
  describe: (cascade: RemovalCascade) => string[];
  action: ServiceKeyAction;
  onActionChange: (action: ServiceKeyAction) => void;
}

/** The cascade as a list, whose access it changes (from the same dry run), then the person's service keys by name with the keep / revoke / rotate choice. */
export function CascadeSummary({ preview, describe, action, onActionChange }: CascadeSummaryProps) {
  const name = useId();
  if (preview.loading) return <p className="muted" role="status">Working out what this removes…</p>;
  if (preview.error) return <ErrorAlert error={preview.error} />;
  const cascade = preview.data;
  if (!cascade) return null;
  const keys = cascade.service_keys;
  return (
    <>
      <ul className="cascade" aria-label="What this removes">
        {describe(cascade).map((line) => <li key={line}>{line}</li>)}
      </ul>
      {cascade.principals && <AccessChanges principals={cascade.principals} omitted={cascade.principals_omitted} />}
      {keys.length === 0 && <p className="muted">They created no service keys that reach here.</p>}
      {keys.length > 0 && (
        <>
          <p>
            {keys.length === 1 ? '1 service key' : `${keys.length} service keys`} they created keep working after them (they belong to the account):
          </p>
          <ul className="cascade" aria-label="Service keys they created">
            {keys.map((k) => (
              <li key={k.id}>
                <span className="strong">{k.name}</span> <span className="mono muted">{k.redacted_key}</span>
              </li>
            ))}
          </ul>
          <fieldset className="radio-list">
            <legend>Their service keys</legend>
            {CHOICES.map((choice) => (
              <label key={choice.value} className="radio-row">
                <input type="radio" name={name} value={choice.value} checked={action === choice.value} onChange={() => onActionChange(choice.value)} />
                <span>
                  <span className="strong">{choice.label}</span>
                  <span className="muted small">{choice.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
        </>
      )}
    </>
  );
}

/** The new secrets of rotated service keys, shown this once. */
export function RotatedKeysDialog({ cascade, onClose }: { cascade: RemovalCascade; onClose: () => void }) {
  const rotated = cascade.service_keys.filter((k) => k.key !== undefined);
  return (
    <Dialog title="New service key secrets" onClose={onClose} description="Each secret is shown only this once. Store it in your secrets manager now.">
      <ul className="cascade">
        {rotated.map((k) => (
          <li key={k.id}>
            <label className="strong" htmlFor={`rotated-${k.id}`}>{k.name}</label>
            <div className="input-with-button">
              <input id={`rotated-${k.id}`} className="mono" readOnly value={k.key} spellCheck={false} onFocus={(e) => e.target.select()} />
              <CopyButton text={k.key!} />
            </div>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

/** `1 role binding`, `no role bindings`. */
export function counted(n: number, one: string, many: string): string {
  return n === 0 ? `no ${many}` : `${n} ${n === 1 ? one : many}`;
}
