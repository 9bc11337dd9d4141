import { ApiError, auth } from '../lib/api.js';
import type { ConsoleSession as Session } from '../../../src/client/types.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { NewPasswordForm } from '../components/NewPasswordForm.js';
import { useAsync } from '../lib/hooks.js';
import { Link } from '../lib/router.js';

/** /invite/<token>: the mailed invitation link; choosing a password activates the user and signs them in. */
export function InvitePage({ token, onSession }: { token: string; onSession: (session: Session) => Promise<void> }) {
  const invitation = useAsync(() => auth.invitation(token), [token]);
  const save = async (password: string) => {
    await onSession(await auth.acceptInvitation(token, password));
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
      <NewPasswordForm
        save={save}
        username={email}
        confirmLabel="Confirm password"
        busyLabel="Activating…"
        submitLabel="Set password and sign in"
      />
    </AuthCard>
  );
}
