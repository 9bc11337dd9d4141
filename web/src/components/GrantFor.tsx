import { useState } from 'react';
import { localInputToIso } from '../lib/format.js';
import { Field } from './Field.js';
import { FutureInstantField } from './FutureInstantField.js';
import { grantEndWords } from './GrantEnd.js';

const HOUR = 3_600_000;

/** The durations offered for a grant, in milliseconds ("permanent" and "custom" are not durations). */
const DURATIONS: readonly { value: string; label: string; ms?: number }[] = [
  { value: 'permanent', label: 'Permanent' },
  { value: '1h', label: '1 hour', ms: HOUR },
  { value: '4h', label: '4 hours', ms: 4 * HOUR },
  { value: '1d', label: '1 day', ms: 24 * HOUR },
  { value: '1w', label: '1 week', ms: 7 * 24 * HOUR },
  { value: 'custom', label: 'Until a date…' },
];

/** A grant's end and reason as a form holds them ("grant for…"). */
export interface GrantForChoice {
  choice: string;
  custom: string;
  /** The end of the grant being changed, offered as "unchanged". */
  current: string | undefined;
  reason: string;
  setChoice: (choice: string) => void;
  setCustom: (custom: string) => void;
  setReason: (reason: string) => void;
  /**
   * `expires_at` and `reason` to send with the grant, counted from now (each call: a duration starts when the grant
   * is sent); neither when permanent without a reason.
   */
  fields: () => { expires_at?: string; reason?: string };
  /** "Until a date…" was chosen but no date given. */
  incomplete: boolean;
}

/**
 * `current`: the end and reason of the grant being changed (a member whose role changes: adding them again replaces
 * the membership's end and reason, so its end is kept unless another is chosen).
 */
export function useGrantFor(current?: { expires_at?: string; reason?: string }): GrantForChoice {
  const [choice, setChoice] = useState(current?.expires_at ? 'keep' : 'permanent');
  const [custom, setCustom] = useState('');
  const [reason, setReason] = useState(current?.reason ?? '');
  const expiresAt = (): string | undefined => {
    if (choice === 'keep') return current?.expires_at;
    if (choice === 'custom') return localInputToIso(custom);
    const ms = DURATIONS.find((d) => d.value === choice)?.ms;
    return ms === undefined ? undefined : new Date(Date.now() + ms).toISOString();
  };
  const fields = () => {
    const end = expiresAt();
    const why = reason.trim();
    return { ...(end ? { expires_at: end } : {}), ...(why ? { reason: why } : {}) };
  };
  return {
    choice, custom, reason, current: current?.expires_at, setChoice, setCustom, setReason, fields,
    incomplete: choice === 'custom' && !localInputToIso(custom),
  };
}

/**
 * "Grant for" (permanent, an hour, four hours, a day, a week, or until a date) and the reason, for a new role binding
 * or membership; the grant stops counting at its end and is then removed.
 */
export function GrantForFields({ grant }: { grant: GrantForChoice }) {
  return (
    <>
      <div className="field-row">
        <Field label="Grant for" hint={grant.choice === 'permanent' ? undefined : 'It stops counting at its end and is then removed.'}>
          {(p) => (
            <select {...p} value={grant.choice} onChange={(e) => grant.setChoice(e.target.value)}>
              {grant.current && <option value="keep">Unchanged ({grantEndWords(grant.current)})</option>}
              {DURATIONS.map((d) => <option key={d.value} value={d.value}>{d.label}</option>)}
            </select>
          )}
        </Field>
        {grant.choice === 'custom' && <FutureInstantField label="Ends at" value={grant.custom} onChange={grant.setCustom} />}
      </div>
      <Field label="Reason (optional)" hint="Kept with the grant and in the audit log, e.g. “incident 123”.">
        {(p) => <input {...p} maxLength={500} value={grant.reason} onChange={(e) => grant.setReason(e.target.value)} />}
      </Field>
    </>
  );
}
