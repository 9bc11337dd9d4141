import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CreateUserResult } from '../../../src/client/resources/users.js';
import type { AccountRoleName, InviteMode, RemovalCascade, ServiceKeyAction, User, UserStatus } from '../../../src/client/types.js';
import { api, errorMessage, page } from '../lib/api.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { CopyButton } from '../components/CopyButton.js';
import { Dialog } from '../components/Dialog.js';
import { AccountRoleField } from '../components/AccountRoleField.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { PageHeader } from '../components/PageHeader.js';
import { CascadeSummary, counted, RotatedKeysDialog, useRemovalPreview } from '../components/RemovalCascade.js';
import { NotAllowed } from '../components/NotAllowed.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { useToast } from '../components/Toast.js';
import { developerNote, formatDate, roleLabel } from '../lib/format.js';
import { useDebounced, usePaged } from '../lib/hooks.js';
import { Link, setQuery, useLocation } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { CliLoginsTable } from './cli-logins/CliLoginsTable.js';
import { DeactivateUserDialog } from './users/DeactivateUserDialog.js';
import { EditUserDialog } from './users/EditUserDialog.js';
import { PlacementFields, usePlacement } from './users/Placement.js';

const STATUSES: UserStatus[] = ['ACTIVE', 'INVITED', 'EXPIRED'];
const STATUS_LABEL: Record<UserStatus, string> = { ACTIVE: 'Active', INVITED: 'Invited', EXPIRED: 'Expired' };
const STATUS_BADGE: Record<UserStatus, string> = { ACTIVE: 'badge-green', INVITED: 'badge-blue', EXPIRED: 'badge-gray' };

const INVITE_MODES: { mode: InviteMode; label: string; hint: string }[] = [
  { mode: 'EMAIL_LINK', label: 'Email link', hint: 'Send an invitation email with a link to choose a password.' },
  { mode: 'TEMPORARY_PASSWORD', label: 'Temporary password', hint: 'Show a one-time password to hand over; they choose their own at first sign-in.' },
  { mode: 'NONE', label: 'No invitation', hint: 'Create the user without a way to sign in yet; send an invitation later.' },
];

/**
 * A deactivated user reads "Deactivated" (the wire says EXPIRED, identity.md §5.5), with the date as its title, and
 * "Deactivated (by SCIM of Okta)" when a directory manages it: it is reactivated there.
 */
function StatusBadge({ user }: { user: User }) {
  if (user.deactivated_at) {
    const scim = user.scim_provider;
    const title = `Deactivated ${formatDate(user.deactivated_at)}${scim ? `; reactivate the user in ${scim.name}` : ''}`;
    return (
      <span className="badge badge-red" title={title}>
        {scim ? `Deactivated (by SCIM of ${scim.name})` : 'Deactivated'}
      </span>
    );
  }
  return <span className={`badge ${STATUS_BADGE[user.status]}`}>{STATUS_LABEL[user.status]}</span>;
}

/**
 * Users of the account: invite, resend invitations, send password resets, deactivate and reactivate, delete. Who
 * may not read the account's users is told so once, and the page asks the server nothing.
 */
export function UsersPage() {
  const { accountCan } = useSession();
  if (!accountCan('USER_READ')) {
    return (
      <NotAllowed title="Users">
        The account&apos;s users are managed by its admins. Your own details are on <Link to="/profile">your profile</Link>.
      </NotAllowed>
    );
  }
  return <UsersList />;
}

function UsersList() {
  const { me, accountCan, isAccountAdmin } = useSession();
  const toast = useToast();
  const { query } = useLocation();
  const [email, setEmail] = useState(query.get('email') ?? '');
  const emailFilter = useDebounced(email.trim(), 300);
  const statusParam = query.get('status')?.toUpperCase() as UserStatus | undefined;
  const status = statusParam && STATUSES.includes(statusParam) ? statusParam : undefined;
  const list = usePaged((cursor) => page(api.users.list({ email: emailFilter, status: status ? [status] : undefined, cursor }), 'users'), [emailFilter, status]);
  const [inviting, setInviting] = useState(false);
  const [deleting, setDeleting] = useState<User>();
  const [rotated, setRotated] = useState<RemovalCascade>();
  const [resetting, setResetting] = useState<User>();
  const [deactivating, setDeactivating] = useState<User>();
  const [reactivating, setReactivating] = useState<User>();
  const [cliLoginsOf, setCliLoginsOf] = useState<User>();
  const [editing, setEditing] = useState<User>();

  const canInvite = accountCan('USER_CREATE');
  const canReset = accountCan('USER_UPDATE');
  const canDelete = accountCan('USER_DELETE');

  const resend = async (u: User) => {
    try {
      await api.users.resendInvitation(u.id);
      toast(`Invitation sent again to ${u.email}.`);
      list.reload();
    } catch (e) {
      toast(`Could not resend the invitation: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  const columns: Column<User>[] = [
    {
      header: 'User',
      cell: (u) => (
        <div>
          <div className="strong">
            {isAccountAdmin ? <Link to={`/users/${encodeURIComponent(u.id)}`}>{u.name}</Link> : u.name}{' '}
            {u.id === me.id && <span className="muted small">(you)</span>}
          </div>
          <div className="muted small">{u.email}</div>
        </div>
      ),
    },
    { header: 'Account role', cell: (u) => roleLabel(u.role) },
    { header: 'Status', cell: (u) => <StatusBadge user={u} /> },
    { header: 'Developer', cell: (u) => (u.is_developer ? 'Yes' : 'No') },
    { header: 'Created', cell: (u) => formatDate(u.created_at) },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (u) => (
        <div className="button-row">
          {isAccountAdmin && (
            <button type="button" className="btn btn-small" onClick={() => setEditing(u)} aria-label={`Edit ${u.email}`}>
              Edit
            </button>
          )}
          {isAccountAdmin && u.status === 'ACTIVE' && (
            <button type="button" className="btn btn-small" onClick={() => setCliLoginsOf(u)} aria-label={`CLI logins of ${u.email}`}>
              CLI logins
            </button>
          )}
          {canInvite && u.status !== 'ACTIVE' && !u.deactivated_at && (
            <button type="button" className="btn btn-small" onClick={() => void resend(u)} aria-label={`Resend invitation to ${u.email}`}>
              Resend invitation
            </button>
          )}
          {canReset && u.status === 'ACTIVE' && u.id !== me.id && (
            <button type="button" className="btn btn-small" onClick={() => setResetting(u)} aria-label={`Reset password of ${u.email}`}>
              Reset password
            </button>
          )}
          {isAccountAdmin && u.id !== me.id && !u.deactivated_at && (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeactivating(u)} aria-label={`Deactivate ${u.email}`}>
              Deactivate
            </button>
          )}
          {isAccountAdmin && u.deactivated_at && !u.scim_provider && (
            <button type="button" className="btn btn-small" onClick={() => setReactivating(u)} aria-label={`Reactivate ${u.email}`}>
              Reactivate
            </button>
          )}
          {canDelete && u.id !== me.id && (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(u)} aria-label={`Delete ${u.email}`}>
              Delete
            </button>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        actions={
          canInvite && (
            <button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>
              Invite user
            </button>
          )
        }
      />
      <div className="toolbar">
        <Field label="Search by email" className="field-inline grow">
          {(p) => (
            <input
              {...p}
              type="search"
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                setQuery({ email: e.target.value.trim() || undefined });
              }}
            />
          )}
        </Field>
        <Field label="Status" className="field-inline">
          {(p) => (
            <select {...p} value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value.toLowerCase() || undefined })}>
              <option value="">All</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorAlert error={list.error} />
      <Table caption="Users" columns={columns} rows={list.items} rowKey={(u) => u.id} loading={list.loading} empty="No users match." />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />

      {cliLoginsOf && (
        <Dialog title={`CLI logins of ${cliLoginsOf.email}`} size="lg" onClose={() => setCliLoginsOf(undefined)}>
          <CliLoginsTable user={cliLoginsOf} />
        </Dialog>
      )}
      {editing && <EditUserDialog user={editing} canSetDeveloper onClose={() => setEditing(undefined)} onSaved={list.reload} />}
      {inviting && <InviteDialog onClose={() => setInviting(false)} onInvited={list.reload} />}
      {resetting && (
        <ConfirmDialog
          title="Reset password"
          confirmLabel="Send reset email"
          onClose={() => setResetting(undefined)}
          onConfirm={async () => {
            await api.users.resetPassword(resetting.id);
            toast(`Password reset email sent to ${resetting.email}.`);
          }}
        >
          <p>
            Send <strong>{resetting.name}</strong> ({resetting.email}) an email with a link to choose a new password? They are signed out of the
            console everywhere at once.
          </p>
        </ConfirmDialog>
      )}
      {deactivating && (
        <DeactivateUserDialog
          user={deactivating}
          onClose={() => setDeactivating(undefined)}
          onDeactivated={(cascade) => {
            toast(`Deactivated ${deactivating.email}.`);
            list.reload();
            if (cascade) setRotated(cascade);
          }}
        />
      )}
      {reactivating && (
        <ConfirmDialog
          title="Reactivate user"
          confirmLabel="Reactivate user"
          onClose={() => setReactivating(undefined)}
          onConfirm={async () => {
            await api.users.reactivate(reactivating.id);
            toast(`Reactivated ${reactivating.email}.`);
            list.reload();
          }}
        >
          <p>
            Reactivate <strong>{reactivating.name}</strong> ({reactivating.email})? They can sign in again with the access they had. Their revoked user
            keys and CLI logins stay gone: they create new ones.
          </p>
        </ConfirmDialog>
      )}
      {deleting && (
        <DeleteUserDialog
          user={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={(cascade) => {
            toast(`Deleted ${deleting.email}.`);
            list.reload();
            if (cascade) setRotated(cascade);
          }}
        />
      )}
      {rotated && <RotatedKeysDialog cascade={rotated} onClose={() => setRotated(undefined)} />}
    </>
  );
}

function InviteDialog({ onClose, onInvited }: { onClose: () => void; onInvited: () => void }) {
  const ids = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AccountRoleName>('MEMBER');
  const [mode, setMode] = useState<InviteMode>('EMAIL_LINK');
  const [developer, setDeveloper] = useState(true);
  const developerTouched = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<CreateUserResult>();
  const placement = usePlacement();
  const [placementError, setPlacementError] = useState<unknown>();

  useEffect(() => {
    if (!developerTouched.current) setDeveloper(role !== 'ANNOTATOR');
  }, [role]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.users.create({
        name: name.trim(),
        email: email.trim(),
        role: { type: 'PREDEFINED', name: role },
        invite_mode: mode,
        is_developer: developer,
      });
      try {
        await placement.apply(res.user.id);
      } catch (err) {
        setPlacementError(err);
      }
      setResult(res);
      onInvited();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    const { user, created } = result;
    return (
      // A new key: the result is a dialog of its own, so focus moves into it (the Invite button it replaces is gone).
      <Dialog key="result" title={created ? 'User invited' : 'User already exists'} onClose={onClose}>
        <div className="form">
          {!created ? (
            <Alert tone="info">
              {user.email} already has an account ({STATUS_LABEL[user.status].toLowerCase()}). No new invitation was sent; use Resend invitation
              if they need one.
            </Alert>
          ) : user.temporary_password ? (
            <>
              <Alert tone="warning" title="Copy the temporary password now">
                It will not be shown again. {user.name} signs in with {user.email} and this password, then must choose a new one.
              </Alert>
              <div className="field">
                <label htmlFor={`${ids}-temp`}>Temporary password</label>
                <div className="input-with-button">
                  <input id={`${ids}-temp`} className="mono" readOnly value={user.temporary_password} onFocus={(e) => e.target.select()} />
                  <CopyButton text={user.temporary_password} />
                </div>
              </div>
            </>
          ) : user.status === 'INVITED' ? (
            <Alert tone="success">An invitation email is on its way to {user.email}. The link lets them choose a password and sign in.</Alert>
          ) : (
            <Alert tone="success">{user.name} was created without an invitation. Send one from the Users list when they need access.</Alert>
          )}
          {placement.summary && !placementError && <p>{user.name} was added to {placement.summary}.</p>}
          {placementError !== undefined && (
            <Alert tone="warning" title={`Could not add ${user.email} to ${placement.summary}`}>
              {errorMessage(placementError)} Add them from the organization or space page.
            </Alert>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn btn-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Invite user" onClose={onClose} dismissible={!busy}>
      <form onSubmit={submit} className="form">
        <Field label="Full name">{(p) => <input {...p} required maxLength={200} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Email">{(p) => <input {...p} type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <AccountRoleField value={role} onChange={setRole} />
        <fieldset className="radio-list">
          <legend>Invite mode</legend>
          {INVITE_MODES.map((m) => (
            <label key={m.mode} className="radio-row">
              <input type="radio" name={`${ids}-mode`} value={m.mode} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
              <span>
                <span className="strong">{m.label}</span>
                <span className="muted small">{m.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={developer}
            onChange={(e) => {
              developerTouched.current = true;
              setDeveloper(e.target.checked);
            }}
          />
          <span>Developer ({developerNote(role)})</span>
        </label>
        <PlacementFields placement={placement} />
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Inviting…">
          Invite
        </FormActions>
      </form>
    </Dialog>
  );
}

/** Spells out the delete cascade (access-model.md) from the server's own dry run, service keys included. */
function DeleteUserDialog({ user, onClose, onDeleted }: { user: User; onClose: () => void; onDeleted: (rotated: RemovalCascade | undefined) => void }) {
  const preview = useRemovalPreview((params) => api.users.delete(user.id, params), [user.id]);
  const [action, setAction] = useState<ServiceKeyAction>('keep');
  const describe = (c: RemovalCascade) => [
    `removes them from ${counted(c.organization_memberships, 'organization', 'organizations')} and ${counted(c.space_memberships, 'space', 'spaces')};`,
    `deletes ${counted(c.role_bindings, 'role binding', 'role bindings')} on spaces and projects;`,
    `revokes ${counted(c.user_keys_revoked, 'active user key', 'active user keys')}: clients using them are refused at once.`,
  ];

  return (
    <ConfirmDialog
      title="Delete user"
      confirmLabel="Delete user"
      danger
      removesOpener
      onClose={onClose}
      onConfirm={async () => {
        const cascade = await api.users.delete(user.id, action === 'keep' ? {} : { service_keys: action });
        onDeleted(cascade?.service_keys_action === 'rotate' ? cascade : undefined);
      }}
    >
      <p>
        Delete <strong>{user.name}</strong> ({user.email})? This:
      </p>
      <CascadeSummary preview={preview} describe={describe} action={action} onActionChange={setAction} />
      <p>They can no longer sign in. Their past actions stay in the audit log. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
