import { useState } from 'react';
import { ErrorAlert } from '../../components/Alert.js';
import { api } from '../../lib/api.js';
import { NotAllowed } from '../../components/NotAllowed.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useAsync } from '../../lib/hooks.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../lib/session.js';
import { EditUserDialog } from './EditUserDialog.js';
import { UserAccessSections, UserFacts } from './UserDetails.js';
import './users.css';

/** `/users/:id` for account admins: who the user is (editable), where they hold roles, their keys and recent activity. */
export function UserPage({ id }: { id: string }) {
  const { isAccountAdmin } = useSession();
  if (!isAccountAdmin) {
    return (
      <NotAllowed title="User">
        Only account admins see other users&apos; access. Your own is on <Link to="/profile">your profile</Link>.
      </NotAllowed>
    );
  }
  return <AdminUserPage key={id} id={id} />;
}

function AdminUserPage({ id }: { id: string }) {
  const user = useAsync(() => api.users.get(id), [id]);
  const [editing, setEditing] = useState(false);
  if (!user.data) {
    return (
      <>
        <PageHeader title={user.loading ? 'Loading user…' : 'User'} crumbs={[{ label: 'Users', to: '/users' }]} />
        <ErrorAlert error={user.error} />
      </>
    );
  }
  const u = user.data;
  return (
    <>
      <PageHeader
        title={u.name}
        crumbs={[{ label: 'Users', to: '/users' }]}
        actions={
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            Edit user
          </button>
        }
      />
      <UserFacts user={u} />
      <UserAccessSections userId={u.id} self={false} withActivity />
      {editing && <EditUserDialog user={u} canSetDeveloper onClose={() => setEditing(false)} onSaved={() => user.reload()} />}
    </>
  );
}
