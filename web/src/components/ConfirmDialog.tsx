import { useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog.js';
import { ErrorAlert } from './Alert.js';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red button and the focus starts on Cancel. */
  danger?: boolean;
  /** Set when success removes the control that opened the dialog (deleting a row): focus goes to the page heading. */
  removesOpener?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Asks before acting; shows the server's refusal in place and stays open when the action fails. */
export function ConfirmDialog({ title, children, confirmLabel, danger, removesOpener, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const cancel = useRef<HTMLButtonElement>(null);
  const done = useRef(false);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      done.current = true;
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={title}
      onClose={onClose}
      size="sm"
      initialFocus={danger ? cancel : undefined}
      dismissible={!busy}
      restoreFocus={() => (done.current && removesOpener ? 'heading' : 'opener')}
    >
      <div className="confirm-body">{children}</div>
      <ErrorAlert error={error} />
      <div className="dialog-actions">
        <button ref={cancel} type="button" className="btn" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={confirm} aria-disabled={busy || undefined}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
