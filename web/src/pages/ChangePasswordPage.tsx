import { useState } from 'react';
import { auth } from '../lib/api.js';
import { Alert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { NewPasswordForm } from '../components/NewPasswordForm.js';
import { useSession } from '../lib/session.js';

/** Shown instead of the console while the session says must_change_password (temporary passwords). */
export function ChangePasswordPage({ onChanged }: { onChanged: () => void }) {
  const { me, signOut } = useSession();
  const [current, setCurrent] = useState('');

  const save = async (password: string) => {
    await auth.changePassword(current, password);
    onChanged();
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
      <NewPasswordForm
        save={save}
        extraProblem={(password) => (password === current ? 'Choose a password different from the current one.' : undefined)}
        username={me.email}
        confirmLabel="Confirm new password"
        busyLabel="Saving…"
        submitLabel="Save password and continue"
      >
        <Field label="Current password">
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
      </NewPasswordForm>
    </AuthCard>
  );
}
