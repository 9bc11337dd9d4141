import { useId, useState, type FormEvent } from 'react';
import { api } from '../lib/api.js';
import type { Organization, Project, Space } from '../../../src/client/types.js';
import { ErrorAlert } from './Alert.js';
import { Dialog } from './Dialog.js';
import { Field } from './Field.js';
import { FormActions } from './FormActions.js';

/** Shared busy/error handling of the small create/edit forms below. */
function useSubmit<T>(action: () => Promise<T>, onDone: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onDone(await action());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

export function OrganizationDialog({ organization, onClose, onSaved }: { organization?: Organization; onClose: () => void; onSaved: (o: Organization) => void }) {
  const [name, setName] = useState(organization?.name ?? '');
  const [description, setDescription] = useState(organization?.description ?? '');
  const { busy, error, submit } = useSubmit(
    () =>
      organization
        ? api.organizations.update(organization.id, { name: name.trim(), description: description.trim() || null })
        : api.organizations.create({ name: name.trim(), description: description.trim() || undefined }),
    onSaved,
  );
  return (
    <Dialog title={organization ? 'Edit organization' : 'New organization'} onClose={onClose} dismissible={!busy}>
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Description (optional)">{(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose}>
          {organization ? 'Save' : 'Create organization'}
        </FormActions>
      </form>
    </Dialog>
  );
}

export function SpaceDialog({
  organizationId,
  space,
  onClose,
  onSaved,
}: {
  organizationId: string;
  space?: Space;
  onClose: () => void;
  onSaved: (s: Space) => void;
}) {
  const [name, setName] = useState(space?.name ?? '');
  const [description, setDescription] = useState(space?.description ?? '');
  const [isPrivate, setPrivate] = useState(space?.is_private ?? false);
  const hintId = useId();
  const { busy, error, submit } = useSubmit(
    () =>
      space
        ? api.spaces.update(space.id, { name: name.trim(), description: description.trim() || null, is_private: isPrivate })
        : api.spaces.create({ name: name.trim(), organization_id: organizationId, description: description.trim() || undefined, is_private: isPrivate }),
    onSaved,
  );
  return (
    <Dialog title={space ? 'Edit space' : 'New space'} onClose={onClose} dismissible={!busy}>
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label="Description (optional)">{(p) => <textarea {...p} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <label className="checkbox-row">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} aria-describedby={hintId} />
          <span>
            <span className="strong">Private space</span>
            <span className="muted small" id={hintId}>
              Visible only to its members and to organization and account admins.
            </span>
          </span>
        </label>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose}>
          {space ? 'Save' : 'Create space'}
        </FormActions>
      </form>
    </Dialog>
  );
}

export function ProjectDialog({ spaceId, project, onClose, onSaved }: { spaceId: string; project?: Project; onClose: () => void; onSaved: (p: Project) => void }) {
  const [name, setName] = useState(project?.name ?? '');
  const { busy, error, submit } = useSubmit(
    () => (project ? api.projects.update(project.id, { name: name.trim() }) : api.projects.create({ name: name.trim(), space_id: spaceId })),
    onSaved,
  );
  return (
    <Dialog title={project ? 'Rename project' : 'New project'} onClose={onClose} dismissible={!busy}>
      <form className="form" onSubmit={submit}>
        <Field label="Name">{(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose}>
          {project ? 'Rename' : 'Create project'}
        </FormActions>
      </form>
    </Dialog>
  );
}
