import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints.js';
import { ErrorAlert } from '../components/Alert.js';
import { AuthCard, MIN_PASSWORD_LENGTH, passwordProblem } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../components/SubmitButton.js';
import { Link } from '../lib/router.js';

/** /reset/<token>: the mailed password-reset link. */
export function ResetPasswordPage({ token, onDone }: { token: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = passwordProblem(password, confirm);
    if (problem) {
      setError(new Error(problem));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await auth.resetPassword(token, password);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Choose a new password" footer={<Link to="/login">Back to sign in</Link>}>
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <Field label="Confirm password">
          {(p) => (
            <input {...p} type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          )}
        </Field>
        <SubmitButton busy={busy} busyLabel="Saving…" className="btn btn-primary btn-block">
          Change password
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
