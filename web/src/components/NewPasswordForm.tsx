import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorAlert } from './Alert.js';
import { MIN_PASSWORD_LENGTH, passwordProblem } from './AuthCard.js';
import { Field } from './Field.js';
import { SubmitButton } from './SubmitButton.js';

interface NewPasswordFormProps {
  /** Sends the new password; on success the caller moves on (the button stays busy), a throw is shown above the form. */
  save: (password: string) => Promise<void>;
  /** A further reason not to send (after the length and match checks), or undefined. */
  extraProblem?: (password: string) => string | undefined;
  /** The account's address, as a hidden username field so password managers file the new password under it. */
  username?: string;
  confirmLabel: string;
  busyLabel: string;
  submitLabel: string;
  /** Fields shown before the new password (e.g. the current password). */
  children?: ReactNode;
}

/** The new-password-and-confirm form of the invitation, reset and change-password pages, with its error alert. */
export function NewPasswordForm({ save, extraProblem, username, confirmLabel, busyLabel, submitLabel, children }: NewPasswordFormProps) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password, confirm) ?? extraProblem?.(password);
    if (problem) {
      setError(new Error(problem));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await save(password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        {username !== undefined && <input type="email" autoComplete="username" value={username} readOnly hidden />}
        {children}
        <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <Field label={confirmLabel}>
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          )}
        </Field>
        <SubmitButton busy={busy} busyLabel={busyLabel} className="btn btn-primary btn-block">
          {submitLabel}
        </SubmitButton>
      </form>
    </>
  );
}
