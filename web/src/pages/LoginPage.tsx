import { useEffect, useState, type FormEvent } from 'react';
import { ERRORS, type ErrorCode } from '../../../src/domain/errors.js';
import { ApiError, auth, type SsoDiscovery } from '../lib/api.js';
import type { ConsoleSession as Session } from '../../../src/client/types.js';
import { useDebounced } from '../lib/hooks.js';
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

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Password sign-in only: what the page offers when the server cannot say (an older server, a network error). */
const PASSWORD_ONLY: SsoDiscovery = { sso: false, password_allowed: true };

/** Asks the server which sign-in the email's domain gets; never fails (password sign-in is the fallback). */
async function discover(email: string): Promise<SsoDiscovery> {
  try {
    return await auth.discoverSso(email);
  } catch {
    return PASSWORD_ONLY;
  }
}

/** The `?sso_error=CODE` a failed single sign-on comes back with, as its title and how-to-fix sentence. */
function ssoErrorFromQuery(): { title: string; fix: string } | undefined {
  const code = new URLSearchParams(window.location.search).get('sso_error');
  if (!code) return undefined;
  const entry = Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode] : undefined;
  return entry
    ? { title: entry.title, fix: entry.fix }
    : { title: 'Single sign-on failed', fix: 'Start the sign-in again; if it keeps failing, ask an account admin.' };
}

/** Where the console goes after a single sign-on: the `next` path the sign-in page was opened with, else home. */
function returnPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/**
 * Email first: the email's domain decides (POST /auth/sso/discover) whether the page offers the password field,
 * "Continue with SSO", or both. The question is asked as soon as the address looks complete, and again on submit.
 */
export function LoginPage({ notice, onSession }: { notice?: string; onSession: (session: Session) => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [ssoError] = useState(ssoErrorFromQuery);
  const [discovered, setDiscovered] = useState<{ email: string; result: SsoDiscovery }>();

  const normalized = email.trim().toLowerCase();
  const settled = useDebounced(normalized, 300);
  const current = discovered?.email === normalized ? discovered.result : undefined;

  useEffect(() => {
    if (!LOOKS_LIKE_EMAIL.test(settled)) return;
    let live = true;
    void discover(settled).then((result) => live && setDiscovered({ email: settled, result }));
    return () => {
      live = false;
    };
  }, [settled]);

  const continueWithSso = (result: SsoDiscovery) => {
    if (!result.login_url) return;
    setBusy(true);
    const separator = result.login_url.includes('?') ? '&' : '?';
    window.location.assign(`${result.login_url}${separator}return_to=${encodeURIComponent(returnPath())}`);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    let result = current;
    if (!result) {
      setBusy(true);
      result = await discover(normalized);
      setDiscovered({ email: normalized, result });
      setBusy(false);
      if (result.password_allowed) return; // now the password field is there to fill in
    }
    if (!result.password_allowed) {
      continueWithSso(result);
      return;
    }
    setBusy(true);
    try {
      await onSession(await auth.login(email.trim(), password));
    } catch (err) {
      setError(loginError(err));
      setBusy(false);
    }
  };

  const passwordShown = current?.password_allowed === true;
  const ssoShown = current?.sso === true && !!current.login_url;

  return (
    <AuthCard title="Sign in">
      {notice && !error && !ssoError && <Alert tone="info">{notice}</Alert>}
      {ssoError && !error && (
        <Alert tone="error" title={ssoError.title}>
          {ssoError.fix}
        </Alert>
      )}
      <ErrorAlert error={error} />
      <form onSubmit={submit} className="form">
        <Field label="Email">
          {(p) => (
            <input {...p} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          )}
        </Field>
        {passwordShown && (
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
        )}
        {!current && (
          <SubmitButton busy={busy} busyLabel="Checking…" className="btn btn-primary btn-block">
            Continue
          </SubmitButton>
        )}
        {passwordShown && (
          <SubmitButton busy={busy} busyLabel="Signing in…" className="btn btn-primary btn-block">
            Sign in
          </SubmitButton>
        )}
        {ssoShown && current && (
          <>
            {passwordShown && <p className="muted auth-or">or</p>}
            <button
              type="button"
              className={passwordShown ? 'btn btn-block' : 'btn btn-primary btn-block'}
              onClick={() => {
                if (!busy) continueWithSso(current);
              }}
              aria-disabled={busy || undefined}
            >
              Continue with SSO
            </button>
            {!passwordShown && <p className="muted small">Your organization signs you in through its identity provider.</p>}
          </>
        )}
      </form>
      {current?.password_allowed !== false && (
        <p className="muted auth-help">Forgot your password? Ask an account admin to send you a reset link.</p>
      )}
    </AuthCard>
  );
}
