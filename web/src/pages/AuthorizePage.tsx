import { useState } from 'react';
import { ApiError, auth } from '../lib/api.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { useAsync } from '../lib/hooks.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';

const AGAIN = 'Run ax auth login again in your terminal to start a new login.';

/** What to tell the person when the login request cannot be shown or answered (identity.md §6.3). */
function requestProblem(error: unknown): { title: string; text: string } | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.status === 404) return { title: 'This login request has expired', text: `Login requests last 10 minutes. ${AGAIN}` };
  if (error.status === 409) return { title: 'This login request was already answered', text: AGAIN };
  return undefined;
}

function Problem({ error }: { error: unknown }) {
  const known = requestProblem(error);
  return known ? (
    <Alert tone="error" title={known.title}>
      {known.text}
    </Alert>
  ) : (
    <ErrorAlert error={error} />
  );
}

/**
 * `/authorize/{uid}`: the consent step of `ax auth login`, on its own without the console's navigation. The App shows
 * it only to a signed-in user whose password needs no change; signing in (password or SSO) returns here.
 */
export function AuthorizePage({ uid }: { uid: string }) {
  const { signOut } = useSession();
  const request = useAsync(() => auth.cliLogin(uid), [uid]);
  const [deciding, setDeciding] = useState<'approve' | 'deny'>();
  const [leaving, setLeaving] = useState<'approve' | 'deny'>();
  const [error, setError] = useState<unknown>();

  const switchUser = async () => {
    await signOut();
    navigate(`/login?next=${encodeURIComponent(`/authorize/${uid}`)}`, { replace: true });
  };

  const decide = async (decision: 'approve' | 'deny') => {
    if (deciding || leaving) return;
    setDeciding(decision);
    setError(undefined);
    try {
      const { redirect_to: next } = await auth.decideCliLogin(uid, decision);
      setLeaving(decision);
      window.location.assign(next);
    } catch (e) {
      setError(e);
    } finally {
      setDeciding(undefined);
    }
  };

  if (request.loading) {
    return (
      <AuthCard title="Authorize ax">
        <p role="status">Loading the login request…</p>
      </AuthCard>
    );
  }
  const interaction = request.data;
  if (!interaction) {
    return (
      <AuthCard title="Authorize ax">
        <Problem error={request.error} />
      </AuthCard>
    );
  }
  if (!interaction.user) {
    return (
      <AuthCard title="Authorize ax">
        <Alert tone="info" title="Sign in again">
          Your console session has ended. Sign in to approve or deny the login of ax.
        </Alert>
        <button type="button" className="btn btn-primary btn-block" onClick={() => void switchUser()}>
          Sign in
        </button>
      </AuthCard>
    );
  }
  if (leaving) {
    return (
      <AuthCard title="Authorize ax">
        <p role="status">
          {leaving === 'approve' ? 'Approved. Handing the login to ax in your terminal…' : 'Denied. Telling ax in your terminal…'}
        </p>
      </AuthCard>
    );
  }

  const { user } = interaction;
  return (
    <AuthCard title="Authorize ax">
      <div className="form">
        <p>
          <code>ax</code> on this computer asks to act as <strong>{user.email}</strong>. Only approve if you started <code>ax auth login</code>{' '}
          yourself in a terminal on this device.
        </p>
        <p>It will send the answer to port {interaction.redirect_port} on this computer.</p>
        <p className="muted small">
          Client: {interaction.client_name} (<code>{interaction.client_id}</code>)
        </p>
        {interaction.allows.length > 0 && (
          <>
            <p className="strong">If you approve, it can:</p>
            <ul>
              {interaction.allows.map((permission) => (
                <li key={permission}>{permission}</li>
              ))}
            </ul>
          </>
        )}
        <Problem error={error} />
        <div className="button-row">
          <button type="button" className="btn btn-primary" onClick={() => void decide('approve')} aria-disabled={deciding !== undefined || undefined}>
            {deciding === 'approve' ? 'Approving…' : 'Approve'}
          </button>
          <button type="button" className="btn" onClick={() => void decide('deny')} aria-disabled={deciding !== undefined || undefined}>
            {deciding === 'deny' ? 'Denying…' : 'Deny'}
          </button>
        </div>
        <p className="muted small">
          Not {user.email}?{' '}
          <button type="button" className="link-button" onClick={() => void switchUser()}>
            Sign in as someone else
          </button>
        </p>
      </div>
    </AuthCard>
  );
}
