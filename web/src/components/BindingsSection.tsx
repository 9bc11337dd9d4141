import { useState, type FormEvent, type ReactNode } from 'react';
import { api, page } from '../lib/api.js';
import type { AccessPreview as Preview } from '../../../src/client/index.js';
import type { Role, RoleBinding, RoleBindingResourceType as BindingResourceType } from '../../../src/client/types.js';
import { formatDate, roleNameLabel } from '../lib/format.js';
import { AccessModelHelp } from './AccessModelHelp.js';
import { AccessPreview } from './AccessPreview.js';
import { GrantEnd } from './GrantEnd.js';
import { GrantForFields, useGrantFor } from './GrantFor.js';
import { useDebounced, usePaged } from '../lib/hooks.js';
import { useUsersById } from '../lib/users.js';
import { ErrorAlert } from './Alert.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { Dialog } from './Dialog.js';
import { Field } from './Field.js';
import { FormActions } from './FormActions.js';
import { Section } from './PageHeader.js';
import { LoadMore, Table, type Column } from './Table.js';
import { useToast } from './Toast.js';
import { findUserByEmail, UserEmailInput } from './UserEmailInput.js';

interface BindingsSectionProps {
  resourceType: BindingResourceType;
  resourceId: string;
  resourceName: string;
  roles: readonly Role[];
  canCreate: boolean;
  canDelete: boolean;
  description?: ReactNode;
}

/** Role bindings on one space or project: who has which role explicitly on it. */
export function BindingsSection({ resourceType, resourceId, resourceName, roles, canCreate, canDelete, description }: BindingsSectionProps) {
  const toast = useToast();
  const list = usePaged((cursor) => page(api.roleBindings.list({ resource_type: resourceType, resource_id: resourceId, cursor }), 'role_bindings'), [resourceType, resourceId]);
  const people = useUsersById(list.items.map((b) => b.user_id));
  const roleNames = new Map(roles.map((r) => [r.id, roleNameLabel(r.name)]));
  const [editing, setEditing] = useState<RoleBinding | 'new'>();
  const [removing, setRemoving] = useState<RoleBinding>();
  const who = (b: RoleBinding) => people.get(b.user_id)?.email ?? b.user_id;

  const columns: Column<RoleBinding>[] = [
    {
      header: 'User',
      cell: (b) => {
        const u = people.get(b.user_id);
        return u ? (
          <div>
            <div className="strong">{u.name}</div>
            <div className="muted small">{u.email}</div>
          </div>
        ) : (
          <code className="mono small">{b.user_id}</code>
        );
      },
    },
    { header: 'Role', cell: (b) => roleNames.get(b.role_id) ?? b.role_id },
    { header: 'Since', cell: (b) => formatDate(b.created_at) },
    { header: 'Ends', cell: (b) => <GrantEnd expiresAt={b.expires_at} reason={b.reason} /> },
  ];
  if (canCreate || canDelete) {
    columns.push({
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (b) => (
        <div className="button-row">
          {canCreate && (
            <button type="button" className="btn btn-small" onClick={() => setEditing(b)} aria-label={`Change role of ${who(b)}`}>
              Change role
            </button>
          )}
          {canDelete && (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRemoving(b)} aria-label={`Remove binding of ${who(b)}`}>
              Remove
            </button>
          )}
        </div>
      ),
    });
  }

  return (
    <Section
      title="Role bindings"
      description={description}
      actions={
        canCreate && (
          <button type="button" className="btn" onClick={() => setEditing('new')}>
            Add binding
          </button>
        )
      }
    >
      <AccessModelHelp place="bindings" />
      <ErrorAlert error={list.error} />
      <Table
        caption={`Role bindings on ${resourceName}`}
        columns={columns}
        rows={list.items}
        rowKey={(b) => b.id}
        loading={list.loading}
        empty="No one has a role bound here."
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />

      {editing && (
        <BindingDialog
          binding={editing === 'new' ? undefined : editing}
          label={editing === 'new' ? undefined : who(editing)}
          roles={roles}
          onClose={() => setEditing(undefined)}
          preview={async (email, roleId) => {
            if (editing !== 'new') return api.previews.updateRoleBinding(editing.id, { role_id: roleId });
            const user = await findUserByEmail(email);
            return api.previews.createRoleBinding({ user_id: user.id, role_id: roleId, resource_type: resourceType, resource_id: resourceId });
          }}
          onSave={async (email, roleId, grant) => {
            if (editing === 'new') {
              const user = await findUserByEmail(email);
              await api.roleBindings.create({ user_id: user.id, role_id: roleId, resource_type: resourceType, resource_id: resourceId, ...grant });
              toast(`Bound ${roleNames.get(roleId) ?? 'the role'} to ${user.email}.`);
            } else {
              await api.roleBindings.update(editing.id, { role_id: roleId });
              toast(`Changed the role of ${who(editing)}.`);
            }
            list.reload();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title="Remove role binding"
          confirmLabel="Remove"
          danger
          removesOpener
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await api.roleBindings.delete(removing.id);
            toast(`Removed the binding of ${who(removing)}.`);
            list.reload();
          }}
        >
          <p>
            Remove the {roleNames.get(removing.role_id) ?? ''} role of <strong>{who(removing)}</strong> on <strong>{resourceName}</strong>? What
            they could do only through this binding stops at once.
          </p>
          <AccessPreview load={() => api.previews.deleteRoleBinding(removing.id)} deps={[removing.id]} />
        </ConfirmDialog>
      )}
    </Section>
  );
}

interface BindingDialogProps {
  binding: RoleBinding | undefined;
  label: string | undefined;
  roles: readonly Role[];
  onClose: () => void;
  /** The dry run of the binding the form holds (its user by email, its role). */
  preview: (email: string, roleId: string) => Promise<Preview>;
  onSave: (email: string, roleId: string, grant: { expires_at?: string; reason?: string }) => Promise<void>;
}

/** Looks like a whole address: worth asking the server about. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function BindingDialog({ binding, label, roles, onClose, preview, onSave }: BindingDialogProps) {
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState(binding?.role_id ?? '');
  const grant = useGrantFor();
  const settledEmail = useDebounced(email.trim(), 400);
  const previewable = roleId !== '' && (binding ? roleId !== binding.role_id : EMAIL.test(settledEmail));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const predefined = roles.filter((r) => r.is_predefined);
  const custom = roles.filter((r) => !r.is_predefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSave(email, roleId, grant.fields());
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog title={binding ? 'Change role' : 'Add role binding'} onClose={onClose} dismissible={!busy} description={label}>
      <form onSubmit={submit} className="form">
        {!binding && (
          <Field label="User email">{(p) => <UserEmailInput id={p.id} describedBy={p['aria-describedby']} value={email} onChange={setEmail} />}</Field>
        )}
        <Field label="Role" hint="You can bind only roles whose permissions you hold here yourself.">
          {(p) => (
            <select {...p} required value={roleId} onChange={(e) => setRoleId(e.target.value)}>
              <option value="" disabled>
                Choose a role
              </option>
              <optgroup label="Predefined roles">
                {predefined.map((r) => (
                  <option key={r.id} value={r.id}>
                    {roleNameLabel(r.name)}
                  </option>
                ))}
              </optgroup>
              {custom.length > 0 && (
                <optgroup label="Custom roles">
                  {custom.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          )}
        </Field>
        {!binding && <GrantForFields grant={grant} />}
        <AccessPreview
          heading="What this changes"
          load={async () => (previewable ? preview(settledEmail, roleId) : undefined)}
          deps={[previewable, settledEmail, roleId]}
        />
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} submitDisabled={grant.incomplete}>
          {binding ? 'Save role' : 'Add binding'}
        </FormActions>
      </form>
    </Dialog>
  );
}
