import type { ReactNode } from 'react';
import { SubmitButton } from './SubmitButton.js';

interface FormActionsProps {
  busy: boolean;
  onCancel: () => void;
  /** The submit button's text. */
  children: ReactNode;
  busyLabel?: string;
  /** Disables the submit button (e.g. until the form can be sent); Cancel stays available unless busy. */
  submitDisabled?: boolean;
}

/** The Cancel / submit row at the foot of a dialog's form; Cancel is disabled while the request is in flight. */
export function FormActions({ busy, onCancel, children, busyLabel = 'Saving…', submitDisabled }: FormActionsProps) {
  return (
    <div className="dialog-actions">
      <button type="button" className="btn" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <SubmitButton busy={busy} busyLabel={busyLabel} disabled={submitDisabled}>
        {children}
      </SubmitButton>
    </div>
  );
}
