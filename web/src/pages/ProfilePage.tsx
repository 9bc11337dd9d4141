import { useState } from 'react';
import { Alert } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { NewPasswordForm } from '../components/NewPasswordForm.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { api, auth, setCsrfToken } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { useSession } from '../lib/session.js';
import { EditUserDialog } from './users/EditUserDialog.js';
import { UserAccessSections, UserFacts } from './users/UserDetails.js';
import './users/users.css';

/** `/profile`: the signed-in user's own details (name editable), password, memberships, bindings and keys. */
export function ProfilePage() {
  const { me, isAccountAdmin } = useSession();
  const user = useAsync(() => api.users.get(me.id), [me.id]);
  const [editing, setEditing] = useState(false);
  return (
    <>
      <PageHeader
        title="Your profile"
        actions={
          user.data && (
            <button type="button" className="btn" onClick={() => setEditing(true)}>
              Edit name
            </button>
          )
        }
      />
      {user.data ? <UserFacts user={user.data} /> : user.loading && <p className="muted">Loading…</p>}
      <ChangePassword />
      <UserAccessSections userId={me.id} self withActivity={isAccountAdmin} />
      {editing && user.data && (
        <EditUserDialog user={user.data} canSetDeveloper={isAccountAdmin} onClose={() => setEditing(false)} onSaved={() => user.reload()} />
      )}
    </>
  );
}

/** Changes the signed-in user's password; every other session of theirs ends (the server's rule). */
function ChangePassword() {
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [done, setDone] = useState(false);
  const [generation, setGeneration] = useState(0);
  return (
    <Section title="Password" description="Choose a new password; you need your current one.">
      {done && <Alert tone="success">Your password was changed.</Alert>}
      <NewPasswordForm
        key={generation}
        save={async (password) => {
          await auth.changePassword(current, password);
          // The server replaced the session (every other one of this user ended): its new CSRF token guards changes now.
          setCsrfToken((await auth.session()).csrf_token);
          setCurrent('');
          setDone(true);
          setGeneration((g) => g + 1);
        }}
        extraProblem={(password) => (password === current ? 'Choose a password different from the current one.' : undefined)}
        username={me.email}
        confirmLabel="Confirm new password"
        busyLabel="Saving…"
        submitLabel="Change password"
      >
        <Field label="Current password">
          {(p) => <input {...p} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
      </NewPasswordForm>
    </Section>
  );
}
