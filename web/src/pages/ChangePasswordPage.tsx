import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { AuthCard, MIN_PASSWORD_LENGTH, passwordProblem } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../components/SubmitButton.js';
import { useSession } from '../lib/session.js';

/** Shown instead of the console while the session says must_change_password (temporary passwords). */
export function ChangePasswordPage({ onChanged }: { onChanged: () => void }) {
  const { me, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password, confirm) ?? (password === current ? 'Choose a password different from the current one.' : undefined);
    if (problem) {
      setError(new Error(problem));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await auth.changePassword(current, password);
      onChanged();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title="Choose a new password"
      footer={
        <button type="button" className="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      }
    >
      <Alert tone="info">
        You signed in as <strong>{me.email}</strong> with a temporary password. Choose your own password to continue.
      </Alert>
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        <input type="email" autoComplete="username" value={me.email} readOnly hidden />
        <Field label="Current password">
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
        <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <Field label="Confirm new password">
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          )}
        </Field>
        <SubmitButton busy={busy} busyLabel="Saving…" className="btn btn-primary btn-block">
          Save password and continue
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
