import { useState, type FormEvent } from 'react';
import type { User } from '../../../../src/client/types.js';
import { ErrorAlert } from '../../components/Alert.js';
import { Dialog } from '../../components/Dialog.js';
import { Field } from '../../components/Field.js';
import { FormActions } from '../../components/FormActions.js';
import { useToast } from '../../components/Toast.js';
import { api } from '../../lib/api.js';
import { roleLabel } from '../../lib/format.js';

/**
 * Edits a user's name and (account admins) developer flag with PATCH /v2/users/{id}. The account role is shown, not
 * edited: Arize's API has no account role change on that endpoint, so neither does this server.
 */
export function EditUserDialog({ user, canSetDeveloper, onClose, onSaved }: { user: User; canSetDeveloper: boolean; onClose: () => void; onSaved: (user: User) => void }) {
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [developer, setDeveloper] = useState(user.is_developer);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(name.trim() !== user.name ? { name: name.trim() } : {}),
      ...(canSetDeveloper && developer !== user.is_developer ? { is_developer: developer } : {}),
    };
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.users.update(user.id, body);
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
            <span>Developer (may create API keys)</span>
          </label>
        )}
        <p className="muted small">
          Account role: <strong>{roleLabel(user.role)}</strong>. The account role is set when the user is invited (or by single sign-on and
          SCIM); the API offers no way to change it afterwards.
        </p>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Saving…">
          Save
        </FormActions>
      </form>
    </Dialog>
  );
}
