import { useState, type FormEvent } from 'react';
import type { AccountRoleName, User } from '../../../../src/client/types.js';
import { AccessPreview } from '../../components/AccessPreview.js';
import { ErrorAlert } from '../../components/Alert.js';
import { Dialog } from '../../components/Dialog.js';
import { AccountRoleField } from '../../components/AccountRoleField.js';
import { Field } from '../../components/Field.js';
import { FormActions } from '../../components/FormActions.js';
import { useToast } from '../../components/Toast.js';
import { api } from '../../lib/api.js';
import { developerNote, roleLabel } from '../../lib/format.js';

/**
 * Edits a user's name with PATCH /v2/users/{id} and, for account admins (`canSetDeveloper`), the developer flag too and
 * the account role with PUT /v2/users/{id}/role (Arize's PATCH takes no role). Others see the account role, read-only.
 */
export function EditUserDialog({ user, canSetDeveloper, onClose, onSaved }: { user: User; canSetDeveloper: boolean; onClose: () => void; onSaved: (user: User) => void }) {
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [developer, setDeveloper] = useState(user.is_developer);
  const currentRole = user.role.type === 'PREDEFINED' ? (user.role.name as AccountRoleName) : undefined;
  const [role, setRole] = useState(currentRole);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(name.trim() !== user.name ? { name: name.trim() } : {}),
      ...(canSetDeveloper && developer !== user.is_developer ? { is_developer: developer } : {}),
    };
    const newRole = canSetDeveloper && role !== currentRole ? role : undefined;
    if (Object.keys(body).length === 0 && newRole === undefined) {
      onClose();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      let saved = user;
      if (Object.keys(body).length > 0) saved = await api.users.update(user.id, body);
      if (newRole !== undefined) saved = await api.users.setRole(user.id, newRole);
      toast(`Saved ${saved.email}.`);
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Edit ${user.email}`} onClose={onClose} dismissible={!busy}>
      <form onSubmit={submit} className="form">
        <Field label="Full name">
          {(p) => <input {...p} required maxLength={255} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {canSetDeveloper && (
          <label className="checkbox-row">
            <input type="checkbox" checked={developer} onChange={(e) => setDeveloper(e.target.checked)} />
            <span>Developer ({developerNote(role)})</span>
          </label>
        )}
        {canSetDeveloper && role !== undefined ? (
          <>
            <AccountRoleField value={role} onChange={setRole} hintExtra="The account must keep one active admin." />
            <AccessPreview
              heading="What this changes"
              load={async () => (role !== currentRole ? api.previews.setAccountRole(user.id, role) : undefined)}
              deps={[role]}
            />
          </>
        ) : (
          <p className="muted small">
            Account role: <strong>{roleLabel(user.role)}</strong>. Only an account admin can change it.
          </p>
        )}
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Saving…">
          Save
        </FormActions>
      </form>
    </Dialog>
  );
}
