import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Dialog } from '../../components/Dialog.js';
import { Field } from '../../components/Field.js';
import { FormActions } from '../../components/FormActions.js';
import { NamedOptions } from '../../components/NamedOptions.js';
import { Table, type Column } from '../../components/Table.js';
import type { Directory, MappingBody } from './sso-api.js';

/** A rule as the editor shows it: saved rules carry their id and position. */
export type Rule = MappingBody & { id?: string };

interface RoleMappingsEditorProps {
  rules: readonly Rule[];
  directory: Directory;
  /** Saves a new rule (index undefined) or replaces the rule at index. */
  onSave: (rule: MappingBody, index: number | undefined) => Promise<void>;
  onDelete: (index: number) => Promise<void>;
  onMove: (index: number, to: number) => Promise<void>;
  disabled?: boolean;
}

/** The names a rule's grants come to, e.g. "Space Team Alpha: Data Scientist". */
function ruleGrants(rule: MappingBody, directory: Directory): string[] {
  const out: string[] = [];
  if (rule.is_account_admin) out.push('Account admin');
  if (rule.org_role) out.push(`Organization ${directory.name(rule.org_role.org_id)}: ${directory.name(rule.org_role.role_id)}`);
  for (const s of rule.space_roles ?? []) out.push(`Space ${directory.name(s.space_id)}: ${directory.name(s.role_id)}`);
  for (const p of rule.project_roles ?? []) out.push(`Project ${directory.name(p.project_id)}: ${directory.name(p.role_id)}`);
  return out;
}

/**
 * The ordered rules of a provider: the first matching rule wins a custom role on each space or project, and the
 * most permissive matching built-in role wins a space or organization. Add, edit, delete, move up or down.
 */
export function RoleMappingsEditor({ rules, directory, onSave, onDelete, onMove, disabled }: RoleMappingsEditorProps) {
  const [editing, setEditing] = useState<number | 'new'>();
  const [deleting, setDeleting] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [moving, setMoving] = useState(false);
  const rows = rules.map((rule, index) => ({ rule, index }));

  const move = async (index: number, to: number) => {
    setMoving(true);
    setError(undefined);
    try {
      await onMove(index, to);
    } catch (e) {
      setError(e);
    } finally {
      setMoving(false);
    }
  };

  const columns: Column<{ rule: Rule; index: number }>[] = [
    { header: 'Rule', cell: ({ index }) => <span className="strong">#{index + 1}</span> },
    {
      header: 'When the user has',
      cell: ({ rule }) => {
        const entries = Object.entries(rule.attributes_map);
        if (entries.length === 0) return <span className="muted">Everyone (matches every user)</span>;
        return entries.map(([name, value]) => (
          <span key={name} className="chip mono">
            {name} = {value}
          </span>
        ));
      },
    },
    {
      header: 'Grants',
      cell: ({ rule }) => (
        <ul className="sso-grants">
          {ruleGrants(rule, directory).map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ),
    },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: ({ index }) => (
        <div className="button-row">
          <button type="button" className="btn btn-small" disabled={disabled || moving || index === 0} onClick={() => void move(index, index - 1)} aria-label={`Move rule ${index + 1} up`}>
            ↑
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={disabled || moving || index === rules.length - 1}
            onClick={() => void move(index, index + 1)}
            aria-label={`Move rule ${index + 1} down`}
          >
            ↓
          </button>
          <button type="button" className="btn btn-small" disabled={disabled} onClick={() => setEditing(index)} aria-label={`Edit rule ${index + 1}`}>
            Edit
          </button>
          <button type="button" className="btn btn-small btn-danger-outline" disabled={disabled} onClick={() => setDeleting(index)} aria-label={`Delete rule ${index + 1}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  return (
    <div className="sso-rules">
      <p className="muted">
        Rules are checked in order. Custom roles: the first matching rule wins for each space or project. Built-in roles: the most
        permissive matching role wins. An empty match applies to everyone; put it last.
      </p>
      <ErrorAlert error={error} />
      <Table caption="Role mapping rules" columns={columns} rows={rows} rowKey={(r) => r.rule.id ?? `new-${r.index}`} empty="No rules yet." />
      <div className="button-row">
        <button type="button" className="btn" disabled={disabled} onClick={() => setEditing('new')}>
          Add rule
        </button>
      </div>
      {editing !== undefined && (
        <RuleDialog
          rule={editing === 'new' ? undefined : rules[editing]}
          number={editing === 'new' ? rules.length + 1 : editing + 1}
          directory={directory}
          onClose={() => setEditing(undefined)}
          onSave={(rule) => onSave(rule, editing === 'new' ? undefined : editing)}
        />
      )}
      {deleting !== undefined && (
        <ConfirmDialog
          title="Delete rule"
          confirmLabel="Delete rule"
          danger
          removesOpener
          onClose={() => setDeleting(undefined)}
          onConfirm={() => onDelete(deleting)}
        >
          <p>
            Delete rule #{deleting + 1}? People it matched lose what it gave them at their next sign-in when the provider syncs roles
            on each login.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface Pair {
  resource: string;
  role: string;
}

/** One rule: attribute matches as name = value rows, then its grants chosen by name. */
function RuleDialog({
  rule,
  number,
  directory,
  onClose,
  onSave,
}: {
  rule: Rule | undefined;
  number: number;
  directory: Directory;
  onClose: () => void;
  onSave: (rule: MappingBody) => Promise<void>;
}) {
  const [attributes, setAttributes] = useState<{ name: string; value: string }[]>(() => {
    const entries = Object.entries(rule?.attributes_map ?? {}).map(([name, value]) => ({ name, value }));
    return entries.length > 0 ? entries : [{ name: 'group', value: '' }];
  });
  const [admin, setAdmin] = useState(rule?.is_account_admin ?? false);
  const [orgRole, setOrgRole] = useState<Pair>({ resource: rule?.org_role?.org_id ?? '', role: rule?.org_role?.role_id ?? '' });
  const [spaces, setSpaces] = useState<Pair[]>(rule?.space_roles?.map((s) => ({ resource: s.space_id, role: s.role_id })) ?? []);
  const [projects, setProjects] = useState<Pair[]>(rule?.project_roles?.map((p) => ({ resource: p.project_id, role: p.role_id })) ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const predefined = directory.roles.filter((r) => r.is_predefined);
  const custom = directory.roles.filter((r) => !r.is_predefined);
  const spaceLabel = (spaceId: string) => {
    const space = directory.spaces.find((s) => s.id === spaceId);
    return space ? `${directory.name(space.organization_id)} / ${space.name}` : spaceId;
  };
  const projectLabel = (projectId: string) => {
    const project = directory.projects.find((p) => p.id === projectId);
    return project ? `${spaceLabel(project.space_id)} / ${project.name}` : projectId;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: MappingBody = {
      attributes_map: Object.fromEntries(attributes.filter((a) => a.name.trim() !== '').map((a) => [a.name.trim(), a.value])),
      is_account_admin: admin,
      org_role: orgRole.resource ? { org_id: orgRole.resource, role_id: orgRole.role } : null,
      space_roles: spaces.map((s) => ({ space_id: s.resource, role_id: s.role })),
      project_roles: projects.map((p) => ({ project_id: p.resource, role_id: p.role })),
    };
    if ((orgRole.resource && !orgRole.role) || [...spaces, ...projects].some((p) => !p.resource || !p.role)) {
      setError(new Error('Choose both the resource and the role of every grant, or remove the incomplete one.'));
      return;
    }
    if (!admin && !body.org_role && spaces.length === 0 && projects.length === 0) {
      setError(new Error('Give the rule at least one grant.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSave(body);
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const update = <T,>(list: T[], set: (l: T[]) => void, i: number, patch: Partial<T>) => set(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  return (
    <Dialog title={rule ? `Edit rule #${number}` : `New rule #${number}`} onClose={onClose} dismissible={!busy} size="lg">
      <form className="form sso-rule-form" onSubmit={submit}>
        <fieldset className="plain-fieldset">
          <legend>When the user has (every line must match; none = everyone)</legend>
          {attributes.map((a, i) => (
            <div key={i} className="sso-pair">
              <input aria-label={`Attribute name ${i + 1}`} placeholder="attribute, e.g. group" value={a.name} onChange={(e) => update(attributes, setAttributes, i, { name: e.target.value })} />
              <span aria-hidden="true">=</span>
              <input aria-label={`Attribute value ${i + 1}`} placeholder="value, e.g. team-ml" value={a.value} onChange={(e) => update(attributes, setAttributes, i, { value: e.target.value })} />
              <button type="button" className="btn btn-small" onClick={() => setAttributes(attributes.filter((_, j) => j !== i))} aria-label={`Remove attribute ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="link-button" onClick={() => setAttributes([...attributes, { name: '', value: '' }])}>
            Add attribute match
          </button>
        </fieldset>

        <fieldset className="plain-fieldset">
          <legend>Grants</legend>
          <label className="checkbox-row">
            <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            <span>Account admin</span>
          </label>
          <div className="field-row">
            <Field label="Organization">
              {(p) => (
                <select {...p} value={orgRole.resource} onChange={(e) => setOrgRole({ ...orgRole, resource: e.target.value })}>
                  <option value="">No organization role</option>
                  <NamedOptions items={directory.organizations} />
                </select>
              )}
            </Field>
            <Field label="Organization role">
              {(p) => (
                <select {...p} value={orgRole.role} disabled={!orgRole.resource} onChange={(e) => setOrgRole({ ...orgRole, role: e.target.value })}>
                  <option value="">Choose a role</option>
                  <NamedOptions items={predefined} />
                </select>
              )}
            </Field>
          </div>

          <h3 className="sso-subtitle">Space roles</h3>
          {spaces.map((s, i) => (
            <div key={i} className="sso-pair">
              <select aria-label={`Space of space role ${i + 1}`} value={s.resource} onChange={(e) => update(spaces, setSpaces, i, { resource: e.target.value })}>
                <option value="">Choose a space</option>
                <NamedOptions items={directory.spaces} label={spaceLabel} />
              </select>
              <select aria-label={`Role of space role ${i + 1}`} value={s.role} onChange={(e) => update(spaces, setSpaces, i, { role: e.target.value })}>
                <option value="">Choose a role</option>
                <optgroup label="Built-in roles (space membership)">
                  <NamedOptions items={predefined} />
                </optgroup>
                {custom.length > 0 && (
                  <optgroup label="Custom roles">
                    <NamedOptions items={custom} />
                  </optgroup>
                )}
              </select>
              <button type="button" className="btn btn-small" onClick={() => setSpaces(spaces.filter((_, j) => j !== i))} aria-label={`Remove space role ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="link-button" onClick={() => setSpaces([...spaces, { resource: '', role: '' }])}>
            Add space role
          </button>

          <h3 className="sso-subtitle">Project roles (custom roles)</h3>
          {projects.map((p, i) => (
            <div key={i} className="sso-pair">
              <select aria-label={`Project of project role ${i + 1}`} value={p.resource} onChange={(e) => update(projects, setProjects, i, { resource: e.target.value })}>
                <option value="">Choose a project</option>
                <NamedOptions items={directory.projects} label={projectLabel} />
              </select>
              <select aria-label={`Role of project role ${i + 1}`} value={p.role} onChange={(e) => update(projects, setProjects, i, { role: e.target.value })}>
                <option value="">Choose a custom role</option>
                <NamedOptions items={custom} />
              </select>
              <button type="button" className="btn btn-small" onClick={() => setProjects(projects.filter((_, j) => j !== i))} aria-label={`Remove project role ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="link-button" onClick={() => setProjects([...projects, { resource: '', role: '' }])} disabled={custom.length === 0}>
            Add project role
          </button>
          {custom.length === 0 && <p className="hint">Project roles are custom roles; create one under Roles first.</p>}
        </fieldset>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose}>
          {rule ? 'Save rule' : 'Add rule'}
        </FormActions>
      </form>
    </Dialog>
  );
}
