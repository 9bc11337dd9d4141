import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { auth } from '../api/endpoints.js';
import type { Session } from '../api/types.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { AuthCard, MIN_PASSWORD_LENGTH, passwordProblem } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../components/SubmitButton.js';
import { useAsync } from '../lib/hooks.js';
import { Link } from '../lib/router.js';

/** /invite/<token>: the mailed invitation link; choosing a password activates the user and signs them in. */
export function InvitePage({ token, onSession }: { token: string; onSession: (session: Session) => Promise<void> }) {
  const invitation = useAsync(() => auth.invitation(token), [token]);
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
      await onSession(await auth.acceptInvitation(token, password));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (invitation.loading) {
    return (
      <AuthCard title="Accept invitation">
        <p role="status">Checking your invitation…</p>
      </AuthCard>
    );
  }
  if (invitation.error || !invitation.data) {
    const gone = invitation.error instanceof ApiError && invitation.error.status === 404;
    return (
      <AuthCard title="Invitation not valid" footer={<Link to="/login">Go to sign in</Link>}>
        {gone ? (
          <Alert tone="error">This invitation link is invalid, already used or expired. Ask an account admin to resend the invitation.</Alert>
        ) : (
          <ErrorAlert error={invitation.error} />
        )}
      </AuthCard>
    );
  }

  const { name, email } = invitation.data;
  return (
    <AuthCard title="Accept invitation">
      <p>
        Welcome, <strong>{name}</strong>. Choose a password to activate <strong>{email}</strong>.
      </p>
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        <input type="email" autoComplete="username" value={email} readOnly hidden />
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
        <SubmitButton busy={busy} busyLabel="Activating…" className="btn btn-primary btn-block">
          Set password and sign in
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
