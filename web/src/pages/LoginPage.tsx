import { useState, type FormEvent } from 'react';
import { ApiError, auth } from '../lib/api.js';
import type { ConsoleSession as Session } from '../../../src/client/types.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../components/SubmitButton.js';

function loginError(error: unknown): unknown {
  if (error instanceof ApiError && error.status === 401) return new Error('Incorrect email or password.');
  if (error instanceof ApiError && error.status === 429) {
    return new Error('Too many failed sign-in attempts. Wait a few minutes and try again.');
  }
  return error;
}

export function LoginPage({ notice, onSession }: { notice?: string; onSession: (session: Session) => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSession(await auth.login(email.trim(), password));
    } catch (err) {
      setError(loginError(err));
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in">
      {notice && !error && <Alert tone="info">{notice}</Alert>}
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        <Field label="Email">
          {(p) => (
            <input {...p} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        <Field label="Password">
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <SubmitButton busy={busy} busyLabel="Signing in…" className="btn btn-primary btn-block">
          Sign in
        </SubmitButton>
      </form>
      <p className="muted auth-help">Forgot your password? Ask an account admin to send you a reset link.</p>
    </AuthCard>
  );
}
