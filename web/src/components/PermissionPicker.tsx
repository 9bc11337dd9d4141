import { useId, useMemo, useState } from 'react';
import './console-help.css';
import { PERMISSIONS } from '../../../src/domain/permissions.js';

/** Action suffixes of the catalogue, longest first so USER_PERMISSION_UPDATE splits as USER + PERMISSION_UPDATE. */
const ACTIONS = ['PERMISSION_UPDATE', 'ANNOTATE', 'RESTRICT', 'TRIGGER', 'CREATE', 'DELETE', 'UPDATE', 'REVOKE', 'READ', 'RUN'];

function splitPermission(permission: string): { resource: string; action: string } {
  for (const action of ACTIONS) {
    if (permission.endsWith(`_${action}`)) return { resource: permission.slice(0, -action.length - 1), action };
  }
  return { resource: permission, action: permission };
}

const ACRONYMS: Readonly<Record<string, string>> = { ai: 'AI', llm: 'LLM', ml: 'ML' };

function humanize(code: string): string {
  const text = code
    .toLowerCase()
    .split('_')
    .map((w) => ACRONYMS[w] ?? w)
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface PermissionGroup {
  resource: string;
  label: string;
  permissions: { permission: string; action: string }[];
}

/** Permissions grouped by the resource they act on (Project span: Annotate, Create, …), in catalogue order. */
function groupPermissions(permissions: readonly string[]): PermissionGroup[] {
  const groups = new Map<string, PermissionGroup>();
  for (const permission of permissions) {
    const { resource, action } = splitPermission(permission);
    let group = groups.get(resource);
    if (!group) {
      group = { resource, label: humanize(resource), permissions: [] };
      groups.set(resource, group);
    }
    group.permissions.push({ permission, action: humanize(action) });
  }
  return [...groups.values()];
}

const ALL_GROUPS = groupPermissions(PERMISSIONS);

interface PermissionPickerProps {
  value: readonly string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
}

/** Checkboxes for the whole catalogue, grouped by resource, with a filter and per-group select-all. */
export function PermissionPicker({ value, onChange, disabled }: PermissionPickerProps) {
  const filterId = useId();
  const [filter, setFilter] = useState('');
  const selected = useMemo(() => new Set(value), [value]);
  const needle = filter.trim().toUpperCase().replace(/\s+/g, '_');
  const groups = useMemo(
    () =>
      ALL_GROUPS.map((g) => ({
        ...g,
        permissions: needle ? g.permissions.filter((p) => p.permission.includes(needle)) : g.permissions,
      })).filter((g) => g.permissions.length > 0),
    [needle],
  );
  const visible = groups.flatMap((g) => g.permissions.map((p) => p.permission));

  const set = (permissions: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const p of permissions) {
      if (on) next.add(p);
      else next.delete(p);
    }
    onChange(PERMISSIONS.filter((p) => next.has(p)));
  };

  return (
    <div className="permission-picker">
      <div className="permission-toolbar">
        <div className="field field-inline">
          <label htmlFor={filterId}>Filter permissions</label>
          <input
            id={filterId}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="e.g. dataset, read"
            disabled={disabled}
          />
        </div>
        <span className="muted" aria-live="polite">
          {selected.size} of {PERMISSIONS.length} selected
        </span>
        <div className="button-row">
          <button type="button" className="btn btn-small" onClick={() => set(visible, true)} disabled={disabled}>
            Select {needle ? 'shown' : 'all'}
          </button>
          <button type="button" className="btn btn-small" onClick={() => set(visible, false)} disabled={disabled}>
            Clear {needle ? 'shown' : 'all'}
          </button>
        </div>
      </div>
      <div className="permission-groups">
        {groups.map((g) => {
          const names = g.permissions.map((p) => p.permission);
          const count = names.filter((p) => selected.has(p)).length;
          return (
            <fieldset key={g.resource} className="permission-group" disabled={disabled}>
              <legend className="visually-hidden">{g.label}</legend>
              <label className="permission-group-name">
                <input
                  type="checkbox"
                  checked={count === names.length}
                  ref={(el) => {
                    if (el) el.indeterminate = count > 0 && count < names.length;
                  }}
                  onChange={(e) => set(names, e.target.checked)}
                  aria-label={`All ${g.label} permissions`}
                />
                <span aria-hidden="true">{g.label}</span>
              </label>
              <div className="permission-actions">
                {g.permissions.map((p) => (
                  <label key={p.permission} className="check-chip" title={p.permission}>
                    <input
                      type="checkbox"
                      checked={selected.has(p.permission)}
                      onChange={(e) => set([p.permission], e.target.checked)}
                      aria-label={`${g.label} ${p.action.toLowerCase()}`}
                    />
                    <span>{p.action}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          );
        })}
        {groups.length === 0 && <p className="muted">No permission matches “{filter}”.</p>}
      </div>
    </div>
  );
}

/** "Dataset example: Annotate" for DATASET_EXAMPLE_ANNOTATE. */
export function permissionLabel(permission: string): string {
  const { resource, action } = splitPermission(permission);
  return `${humanize(resource)}: ${humanize(action)}`;
}

/** Does `permission` match what someone typed ("dataset read", "DATASET_READ", "span")? */
function matches(permission: string, needle: string): boolean {
  if (!needle) return true;
  const words = needle.toUpperCase().split(/[\s_:]+/).filter(Boolean);
  return words.every((w) => permission.includes(w));
}

/** A read-only view of a permission set, grouped the same way, with a search when `searchable`. */
export function PermissionList({ permissions, searchable }: { permissions: readonly string[]; searchable?: boolean }) {
  const [filter, setFilter] = useState('');
  const groups = groupPermissions(PERMISSIONS.filter((p) => permissions.includes(p) && matches(p, filter.trim())));
  return (
    <div className="permission-list-wrap">
      {searchable && permissions.length > 0 && (
        <input
          type="search"
          className="permission-search"
          aria-label="Search these permissions"
          placeholder="Search, e.g. dataset read"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      {groups.length === 0 ? (
        <p className="muted">{filter ? `No permission matches “${filter}”.` : 'No permissions.'}</p>
      ) : (
        <dl className="permission-list">
          {groups.map((g) => (
            <div key={g.resource} className="permission-list-row">
              <dt>{g.label}</dt>
              <dd>
                {g.permissions.map((p) => (
                  <span key={p.permission} className="chip" title={p.permission}>
                    {p.action}
                  </span>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/**
 * A single permission from the catalogue, grouped by resource ("Dataset" → "Dataset: Read") with a search box that
 * narrows the list; label the select with <label htmlFor={id}>.
 */
export function PermissionSelect({ id, value, onChange, emptyLabel, describedBy }: { id: string; value: string; onChange: (permission: string) => void; emptyLabel: string; describedBy?: string }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim();
  const groups = ALL_GROUPS.map((g) => ({ ...g, permissions: g.permissions.filter((p) => p.permission === value || matches(p.permission, needle)) }))
    .filter((g) => g.permissions.length > 0);
  const shown = groups.reduce((n, g) => n + g.permissions.length, 0);
  return (
    <div className="permission-select">
      <input
        type="search"
        aria-label={`Search permissions (${shown} shown)`}
        placeholder="Search permissions"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy}>
        <option value="">{emptyLabel}</option>
        {groups.map((g) => (
          <optgroup key={g.resource} label={g.label}>
            {g.permissions.map((p) => (
              <option key={p.permission} value={p.permission}>
                {g.label}: {p.action}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
