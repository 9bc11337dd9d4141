import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../lib/api.js';
import type { Role } from '../../../src/client/types.js';
import { AccessPreview } from '../components/AccessPreview.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { Dialog } from '../components/Dialog.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { PermissionList, PermissionPicker } from '../components/PermissionPicker.js';
import { Table, type Column } from '../components/Table.js';
import { useToast } from '../components/Toast.js';
import { formatDate } from '../lib/format.js';
import { useDebounced } from '../lib/hooks.js';
import { useAllRoles } from '../lib/queries.js';
import { useSession } from '../lib/session.js';

/** Predefined roles (read-only) and the account's custom roles (account admins create, edit, delete). */
export function RolesPage() {
  const { isAccountAdmin } = useSession();
  const all = useAllRoles();
  const [open, setOpen] = useState<Role | 'new'>();
  const [deleting, setDeleting] = useState<Role>();
  const list = all.data ?? [];
  const predefined = list.filter((r) => r.is_predefined);
  const custom = list.filter((r) => !r.is_predefined);

  const columns = (editable: boolean): Column<Role>[] => [
    {
      header: 'Role',
      cell: (r) => (
        <div>
          <div className="strong">
            {r.name} {r.is_predefined && <span className="badge badge-gray">System</span>}
          </div>
          {r.description && <div className="muted small">{r.description}</div>}
        </div>
      ),
    },
    { header: 'Permissions', cell: (r) => `${r.permissions.length}` },
    { header: 'Updated', cell: (r) => formatDate(r.updated_at) },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (r) => (
        <div className="button-row">
          <button type="button" className="btn btn-small" onClick={() => setOpen(r)} aria-label={`${editable ? 'Edit' : 'View'} ${r.name}`}>
            {editable ? 'Edit' : 'View'}
          </button>
          {editable && (
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(r)} aria-label={`Delete ${r.name}`}>
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
        title="Roles"
        actions={
          isAccountAdmin && (
            <button type="button" className="btn btn-primary" onClick={() => setOpen('new')}>
              New role
            </button>
          )
        }
      >
        <p>A role is a named set of permissions, granted on a space or project by a membership or a role binding.</p>
      </PageHeader>
      <ErrorAlert error={all.error} />
      <Section title="Predefined roles" description="Managed by the system; they cannot be changed or deleted.">
        <Table caption="Predefined roles" columns={columns(false)} rows={predefined} rowKey={(r) => r.id} loading={all.loading} />
      </Section>
      <Section title="Custom roles" description="Your account's own roles, with stable ids for SSO group mappings.">
        <Table caption="Custom roles" columns={columns(isAccountAdmin)} rows={custom} rowKey={(r) => r.id} loading={all.loading} empty="No custom roles yet." />
      </Section>

      {open && (
        <RoleDialog
          role={open === 'new' ? undefined : open}
          editable={open === 'new' || (!open.is_predefined && isAccountAdmin)}
          onClose={() => setOpen(undefined)}
          onSaved={all.reload}
        />
      )}
      {deleting && <DeleteRoleDialog role={deleting} onClose={() => setDeleting(undefined)} onDeleted={all.reload} />}
    </>
  );
}

function RoleDialog({ role, editable, onClose, onSaved }: { role?: Role; editable: boolean; onClose: () => void; onSaved: () => void }) {
  const toast = useToast();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [permissions, setPermissions] = useState<string[]>(role?.permissions ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // An edit's permissions, settled: what everyone holding the role gains or loses is previewed once they differ.
  const settled = useDebounced([...permissions].sort().join(','), 400);
  const changed = !!role && settled !== [...role.permissions].sort().join(',') && settled !== '';

  if (!editable && role) {
    return (
      <Dialog title={role.name} onClose={onClose} size="lg" description={role.description}>
        <p className="muted">
          {role.is_predefined ? 'Predefined role, read-only.' : 'Only account admins can change custom roles.'} {role.permissions.length} permissions:
        </p>
        <PermissionList permissions={role.permissions} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (permissions.length === 0) {
      setError(new Error('Choose at least one permission.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (role) {
        await api.roles.update(role.id, { name: name.trim(), description: description.trim() || null, permissions });
        toast(`Saved ${name.trim()}.`);
      } else {
        await api.roles.create({ name: name.trim(), description: description.trim() || undefined, permissions });
        toast(`Created ${name.trim()}.`);
      }
      onSaved();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog title={role ? `Edit ${role.name}` : 'New role'} onClose={onClose} dismissible={!busy} size="lg">
      <form className="form" onSubmit={submit}>
        <div className="field-row">
          <Field label="Name">{(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <Field label="Description (optional)">{(p) => <input {...p} maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        </div>
        <fieldset className="plain-fieldset">
          <legend>Permissions</legend>
          <PermissionPicker value={permissions} onChange={setPermissions} disabled={busy} />
        </fieldset>
        {role && (
          <AccessPreview
            heading="What this changes for those who hold the role"
            load={async () => (changed ? api.previews.updateRole(role.id, { permissions: settled.split(',') }) : undefined)}
            deps={[changed, settled]}
          />
        )}
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose}>
          {role ? 'Save role' : 'Create role'}
        </FormActions>
      </form>
    </Dialog>
  );
}

/** Deletes a custom role; when it is in use (409) offers to delete it with its bindings and memberships. */
function DeleteRoleDialog({ role, onClose, onDeleted }: { role: Role; onClose: () => void; onDeleted: () => void }) {
  const toast = useToast();
  const [inUse, setInUse] = useState<string>();
  const [busy, setBusy] = useState(false);
  const done = useRef(false);
  const [error, setError] = useState<unknown>();

  const remove = async (force: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.roles.delete(role.id, { force });
      toast(`Deleted ${role.name}.`);
      done.current = true;
      onDeleted();
      onClose();
    } catch (err) {
      if (!force && err instanceof ApiError && err.status === 409) setInUse(err.detail ?? err.title);
      else setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Delete role" onClose={onClose} dismissible={!busy} size="sm" restoreFocus={() => (done.current ? 'heading' : 'opener')}>
      <p>
        Delete the custom role <strong>{role.name}</strong>?
      </p>
      {inUse && (
        <Alert tone="warning" title="This role is in use">
          {inUse} Deleting it anyway also deletes every role binding and membership that grants it: those users lose what it gave them at once.
        </Alert>
      )}
      <ErrorAlert error={error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void remove(!!inUse)} aria-disabled={busy || undefined}>
          {busy ? 'Deleting…' : inUse ? 'Delete role and its grants' : 'Delete role'}
        </button>
      </div>
    </Dialog>
  );
}
