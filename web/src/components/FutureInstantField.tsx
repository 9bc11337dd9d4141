import { isoToLocalInput } from '../lib/format.js';
import { Field } from './Field.js';

/** A required date and time from now on, in the browser's time zone (a credential's expiry, a grant's end). */
export function FutureInstantField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field label={label}>
      {(p) => (
        <input
          {...p}
          type="datetime-local"
          required
          min={isoToLocalInput(new Date().toISOString())}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
