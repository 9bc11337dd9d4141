import type { DependencyList } from 'react';
import type { AccessPreview as Preview } from '../../../src/client/index.js';
import { errorMessage } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { plural, strandedKeys } from '../lib/counts.js';
import { permissionLabel } from './PermissionPicker.js';

/** One principal of a dry run: a person, or a service key's bot, with what it gains and loses where. */
export type PrincipalChange = Preview['principals'][number];
type ResourceChange = PrincipalChange['changes'][number];

/** At most this many sentences above the details; the rest are counted. */
const SUMMARY_LINES = 6;

/** "project ‘chat’", "the account": where a change happens, by name. */
function where(change: ResourceChange): string {
  if (change.resource_type === 'ACCOUNT') return 'the account';
  const kind = change.resource_type.toLowerCase();
  return change.resource_name ? `${kind} ‘${change.resource_name}’` : `this ${kind}`;
}

function who(principal: PrincipalChange): string {
  return principal.name ?? principal.email ?? (principal.principal_type === 'SERVICE_KEY' ? 'a service key' : 'a user');
}

/** "Project span: Read", "Project span: Read and Project: Read", "14 permissions". */
function permissionWords(permissions: readonly string[]): string {
  if (permissions.length > 2) return `${permissions.length} permissions`;
  return permissions.map(permissionLabel).join(' and ');
}

/** "1 person", "3 people and 1 service key": who a sentence is about, counted by kind. */
function principalsWords(principals: readonly PrincipalChange[]): string {
  const people = principals.filter((p) => p.principal_type === 'USER').length;
  const keys = principals.length - people;
  const parts = [people > 0 ? plural(people, 'person', 'people') : '', keys > 0 ? plural(keys, 'service key') : ''].filter(Boolean);
  const names = principals.length <= 3 ? ` (${principals.map(who).join(', ')})` : '';
  return `${parts.join(' and ')}${names}`;
}

/**
 * The preview as sentences: principals who gain or lose the same permissions on the same resource make one
 * sentence ("3 people lose Project span: Read on project ‘chat’"), losses first.
 */
function summarize(principals: readonly PrincipalChange[]): string[] {
  const groups = new Map<string, { verb: 'gain' | 'lose'; permissions: readonly string[]; change: ResourceChange; principals: PrincipalChange[] }>();
  for (const principal of principals) {
    for (const change of principal.changes) {
      for (const [verb, permissions] of [['lose', change.lost], ['gain', change.gained]] as const) {
        if (permissions.length === 0) continue;
        const key = `${verb}|${change.resource_type}|${change.resource_id ?? ''}|${permissions.join(',')}`;
        const group = groups.get(key) ?? { verb, permissions, change, principals: [] };
        group.principals.push(principal);
        groups.set(key, group);
      }
    }
  }
  const ordered = [...groups.values()].sort((a, b) => (a.verb === b.verb ? b.principals.length - a.principals.length : a.verb === 'lose' ? -1 : 1));
  return ordered.map((g) => {
    const verb = g.principals.length === 1 ? `${g.verb}s` : g.verb;
    return `${principalsWords(g.principals)} ${verb} ${permissionWords(g.permissions)} on ${where(g.change)}`;
  });
}

/** The rows a change removes with it, as phrases ("2 space memberships"); empty when it removes none. */
function cascadeLines(cascade: Preview['cascade']): string[] {
  const removed = [
    cascade.organization_memberships > 0 ? plural(cascade.organization_memberships, 'organization membership') : '',
    cascade.space_memberships > 0 ? plural(cascade.space_memberships, 'space membership') : '',
    cascade.role_bindings > 0 ? plural(cascade.role_bindings, 'role binding') : '',
    cascade.resource_restrictions > 0 ? plural(cascade.resource_restrictions, 'restriction') : '',
  ].filter(Boolean);
  return [...(removed.length > 0 ? [`It also removes ${removed.join(', ')}.`] : []), ...strandedKeys(cascade.service_keys)];
}

function PermissionChanges({ label, permissions }: { label: string; permissions: readonly string[] }) {
  if (permissions.length === 0) return null;
  return (
    <div className="preview-permissions">
      <span className="muted small">{label}:</span>{' '}
      {permissions.map((p) => (
        <span key={p} className="chip" title={p}>
          {permissionLabel(p)}
        </span>
      ))}
    </div>
  );
}

interface AccessChangesProps {
  principals: readonly PrincipalChange[];
  /** The server left the principals out (`principals_omitted`: more changes of access than an answer lists). */
  omitted?: boolean | undefined;
  /** A dry run's cascade; left out where the dialog already lists what a removal takes. */
  cascade?: Preview['cascade'];
}

/**
 * What a change does to access, from the server's dry run: a sentence per group of principals who gain or lose the
 * same permissions on the same resource, the rows it removes with it, and a details expander listing each person's
 * (and service key's) gains and losses by resource.
 */
export function AccessChanges({ principals, omitted, cascade }: AccessChangesProps) {
  const lines = summarize(principals);
  const shown = lines.slice(0, SUMMARY_LINES);
  const removed = cascade ? cascadeLines(cascade) : [];
  return (
    <div className="access-preview" role="group" aria-label="Whose access changes">
      {omitted ? (
        <p className="strong">More than 20,000 changes of access: too many to list. Preview one of its spaces or projects to see who loses what.</p>
      ) : lines.length === 0 ? (
        <p className="strong">No one&apos;s access changes.</p>
      ) : (
        <ul className="cascade" aria-label="Access changes">
          {shown.map((line) => <li key={line}>{line}.</li>)}
          {lines.length > shown.length && <li className="muted">{plural(lines.length - shown.length, 'more change')} in the details.</li>}
        </ul>
      )}
      {removed.map((line) => <p key={line}>{line}</p>)}
      {principals.length > 0 && (
        <details className="details">
          <summary>Details for {plural(principals.length, 'principal')}</summary>
          <ul className="preview-principals">
            {principals.map((p) => (
              <li key={p.user_id}>
                <div className="strong">
                  {who(p)} {p.principal_type === 'SERVICE_KEY' && <span className="badge badge-gray">Service key</span>}
                </div>
                {p.email && p.name && <div className="muted small">{p.email}</div>}
                <ul className="preview-resources">
                  {p.changes.map((c) => (
                    <li key={`${c.resource_type}|${c.resource_id ?? ''}`}>
                      <span>On {where(c)}</span>
                      <PermissionChanges label="Gains" permissions={c.gained} />
                      <PermissionChanges label="Loses" permissions={c.lost} />
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/**
 * Loads a dry run (`load`: the same request with `?dry_run=true`; it answers undefined while a form is not complete
 * enough to ask) and shows its {@link AccessChanges}; loads again when `deps` change. In a form, `heading` names it.
 */
export function AccessPreview({ load, deps, heading }: { load: () => Promise<Preview | undefined>; deps: DependencyList; heading?: string }) {
  const state = useAsync(load, deps);
  let body;
  if (state.loading) body = <p className="muted" role="status">Working out whose access changes…</p>;
  // Said quietly: the change itself, when sent, gives the same refusal as an alert of its own.
  else if (state.error) body = <p className="muted" role="status">No preview: {errorMessage(state.error)}</p>;
  else if (state.data) body = <AccessChanges principals={state.data.principals} omitted={state.data.principals_omitted} cascade={state.data.cascade} />;
  else return null;
  if (!heading) return body;
  return (
    <div className="subform preview-box">
      <p className="strong">{heading}</p>
      {body}
    </div>
  );
}
