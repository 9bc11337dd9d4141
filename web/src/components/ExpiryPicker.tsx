import { useState } from 'react';
import { localInputToIso } from '../lib/format.js';
import { Alert } from './Alert.js';
import { Field } from './Field.js';
import { FutureInstantField } from './FutureInstantField.js';

/** How long a new credential (an API key, a SCIM token) lives: never, a number of days, or until a chosen moment. */
export interface ExpiryChoice {
  choice: string;
  custom: string;
  setChoice: (choice: string) => void;
  setCustom: (custom: string) => void;
  /** The expiry to send: undefined for never; also undefined for a custom choice without a date (check `incomplete`). */
  iso: () => string | undefined;
  /** A custom expiry was chosen but no date given. */
  incomplete: () => boolean;
}

/** `initial`: "never" (the default), a number of days as a string, or "custom". */
export function useExpiryChoice(initial = 'never'): ExpiryChoice {
  const [choice, setChoice] = useState(initial);
  const [custom, setCustom] = useState('');
  const iso = () => {
    if (choice === 'never') return undefined;
    if (choice === 'custom') return localInputToIso(custom);
    return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
  };
  return { choice, custom, setChoice, setCustom, iso, incomplete: () => choice === 'custom' && iso() === undefined };
}

const DAYS_LABEL: Record<number, string> = { 30: '30 days', 90: '90 days', 180: '180 days', 365: '1 year' };

/**
 * The Expiration select (never, the given numbers of days, a custom date) and, for a custom date, its input;
 * `neverWarning` is said under it while "Never" is chosen.
 */
export function ExpiryPicker({ expiry, days, neverWarning }: { expiry: ExpiryChoice; days: readonly number[]; neverWarning?: string }) {
  return (
    <>
      <div className="field-row">
        <Field label="Expiration">
          {(p) => (
            <select {...p} value={expiry.choice} onChange={(e) => expiry.setChoice(e.target.value)}>
              <option value="never">Never</option>
              {days.map((d) => <option key={d} value={String(d)}>{DAYS_LABEL[d] ?? `${d} days`}</option>)}
              <option value="custom">Custom date…</option>
            </select>
          )}
        </Field>
        {expiry.choice === 'custom' && <FutureInstantField label="Expires at" value={expiry.custom} onChange={expiry.setCustom} />}
      </div>
      {neverWarning && expiry.choice === 'never' && <Alert tone="warning">{neverWarning}</Alert>}
    </>
  );
}
