import type { AuditLog } from '../../../src/client/types.js';
import type { ResourceKind } from './resource-names.js';
import { roleNameLabel } from './format.js';
import { pathTo } from './router.js';

/**
 * Audit entries as sentences: "Jane Doe revoked service key 'ci-traces' in team-alpha". An entry records the route
 * (`PUT /v2/api-keys/:api_key_id/revoke`), its path parameters and query (`variables`, a JSON object as text) and
 * its redacted body (`operation_text`, JSON as text); the ids in them are named from what the console can look up.
 */

/** Plain words, or a name with the page it links to. */
export type Segment = string | { text: string; to?: string };

export interface KeyName {
  name: string;
  keyType: 'USER' | 'SERVICE';
  /** Where a SERVICE key reaches (its organizations and spaces), by id. */
  spaceIds: readonly string[];
}

/** What the page knows by id; undefined when it does not (deleted, or not visible). */
export interface AuditNames {
  user(id: string): { name: string; email: string } | undefined;
  resource(kind: ResourceKind, id: string): string | undefined;
  key(id: string): KeyName | undefined;
  /** The id of the organization, space or project of this name (in `parentId`), when it still exists. */
  named(kind: ResourceKind, name: string, parentId: string | undefined): string | undefined;
}

/** The ids an entry names, by kind, for the page to look up. */
export interface EntryRefs {
  users: string[];
  resources: [ResourceKind, string][];
  keys: string[];
  /** Resources created by name (their id is in no entry): kind, name and the parent they were created in. */
  created: CreatedRef[];
}

export interface CreatedRef {
  kind: ResourceKind;
  name: string;
  parentId: string | undefined;
}

type Fields = Record<string, unknown>;

interface Parsed {
  actorId: string;
  route: string;
  vars: Fields;
  body: Fields;
}

/** `variables` / `operation_text` as an object; anything else (absent, not JSON, not an object) as `{}`. */
function jsonObject(text: string | undefined): Fields {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
  } catch {
    return {};
  }
}

/** JSON text shown indented; text that is not JSON as it is (never encoded a second time). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function parse(entry: AuditLog): Parsed {
  return { actorId: entry.user_id, route: entry.operation_name ?? '', vars: jsonObject(entry.variables), body: jsonObject(entry.operation_text) };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The User id the API writes for an action no user made (a directory's SCIM change): User:0. */
const NOBODY = 'VXNlcjow';

const ROUTE_KIND: Readonly<Record<string, ResourceKind>> = {
  organizations: 'organization',
  spaces: 'space',
  projects: 'project',
  roles: 'role',
};
const PARAM_KIND: Readonly<Record<string, ResourceKind>> = {
  org_id: 'organization',
  space_id: 'space',
  project_id: 'project',
  role_id: 'role',
};

function linkOf(kind: ResourceKind, id: string): string | undefined {
  if (kind === 'organization') return pathTo('organizations', id);
  if (kind === 'space') return pathTo('spaces', id);
  if (kind === 'project') return pathTo('projects', id);
  return '/roles';
}

function resource(names: AuditNames, kind: ResourceKind, id: string | undefined, fallbackName?: string): Segment[] {
  if (!id) return fallbackName ? [`${kind} `, { text: `'${fallbackName}'` }] : [`a ${kind}`];
  const name = names.resource(kind, id) ?? fallbackName;
  return name ? [`${kind} `, { text: `'${name}'`, to: linkOf(kind, id) }] : [`a deleted ${kind}`];
}

function person(names: AuditNames, id: string | undefined): Segment {
  if (!id) return 'someone';
  const u = names.user(id);
  return u ? { text: u.name, to: `/users/${encodeURIComponent(id)}` } : 'a deleted user';
}

function key(names: AuditNames, id: string | undefined, body: Fields): Segment[] {
  const known = id ? names.key(id) : undefined;
  const type = known?.keyType ?? (str(body.key_type) as KeyName['keyType'] | undefined);
  const noun = type === 'SERVICE' ? 'service key' : type === 'USER' ? 'user key' : 'API key';
  const name = known?.name ?? str(body.name);
  const out: Segment[] = name ? [`${noun} `, { text: `'${name}'`, to: '/settings/api-keys' }] : [`an ${noun === 'API key' ? 'API key' : noun}`];
  const places = (known?.spaceIds ?? bodySpaces(body)).map((s) => names.resource('space', s)).filter((n): n is string => n !== undefined);
  if (places.length > 0) out.push(` in ${places.join(', ')}`);
  return out;
}

/** The spaces a SERVICE key's create body names (`organizations[].spaces[].space_id`). */
function bodySpaces(body: Fields): string[] {
  const orgs = Array.isArray(body.organizations) ? (body.organizations as unknown[]) : [];
  return orgs.flatMap((o) => {
    const spaces = o !== null && typeof o === 'object' && Array.isArray((o as Fields).spaces) ? ((o as Fields).spaces as unknown[]) : [];
    return spaces.map((sp) => (sp !== null && typeof sp === 'object' ? str((sp as Fields).space_id) : undefined)).filter((id): id is string => id !== undefined);
  });
}

/**
 * The spaces each SERVICE key was created for, by key name, from the creations among `entries`; a name created
 * twice is left out (which of the two is meant is not known). A revoked key's bot user is gone, and with it the
 * key's current scope: this is where such a key reached.
 */
export function createdKeySpaces(entries: readonly AuditLog[]): ReadonlyMap<string, readonly string[]> {
  const found = new Map<string, string[] | null>();
  for (const entry of entries) {
    if (entry.operation_name !== 'POST /v2/api-keys') continue;
    const body = jsonObject(entry.operation_text);
    const name = str(body.name);
    if (!name || body.key_type !== 'SERVICE') continue;
    found.set(name, found.has(name) ? null : bodySpaces(body));
  }
  return new Map([...found].filter((e): e is [string, string[]] => e[1] !== null));
}

/** "as Admin"-like words for a role assignment in a body (`{type, name}` or `{type, id}`). */
function roleWords(names: AuditNames, role: unknown): string {
  if (role === null || typeof role !== 'object') return '';
  const r = role as Fields;
  const name = str(r.name);
  if (name) return ` as ${roleNameLabel(name)}`;
  const id = str(r.id);
  const custom = id ? names.resource('role', id) : undefined;
  return custom ? ` as ${custom}` : '';
}

type Describe = (p: Parsed, names: AuditNames) => Segment[];

/** What each audited route did, as the words after the actor's name. */
const ROUTES: Readonly<Record<string, Describe>> = {
  'POST /auth/login': () => ['signed in'],
  'POST /auth/logout': () => ['signed out'],
  'POST /auth/change-password': () => ['changed their password'],
  'POST /auth/invitations/:token/accept': () => ['accepted their invitation'],
  'POST /auth/password-resets/:token': () => ['reset their password'],
  'POST /v2/users': (p) => ['invited ', { text: str(p.body.name) ?? str(p.body.email) ?? 'a user' }, ...(str(p.body.email) ? [` (${String(p.body.email)})`] : [])],
  'PATCH /v2/users/:user_id': (p, n) => (p.vars.user_id === p.actorId ? ['updated their own account'] : ['updated ', person(n, str(p.vars.user_id))]),
  'PUT /v2/users/:user_id/role': (p, n) => ['changed the account role of ', person(n, str(p.vars.user_id)), ...(str(p.body.role) ? [` to ${roleNameLabel(String(p.body.role))}`] : [])],
  'DELETE /v2/users/:user_id': (p, n) => ['deleted ', person(n, str(p.vars.user_id))],
  'POST /v2/users/:user_id/deactivate': (p, n) => ['deactivated ', person(n, str(p.vars.user_id))],
  'POST /v2/users/:user_id/reactivate': (p, n) => ['reactivated ', person(n, str(p.vars.user_id))],
  // Deactivation and reactivation are audited under their operation's name (docs/api.md), not their route.
  DEACTIVATE_USER: (p, n) => ['deactivated ', person(n, str(p.vars.user_id) ?? str(p.body.user_id))],
  REACTIVATE_USER: (p, n) => ['reactivated ', person(n, str(p.vars.user_id) ?? str(p.body.user_id))],
  'POST /v2/users/:user_id/resend-invitation': (p, n) => ['sent a new invitation to ', person(n, str(p.vars.user_id))],
  'POST /v2/users/:user_id/reset-password': (p, n) => ['sent a password reset to ', person(n, str(p.vars.user_id))],
  'POST /v2/api-keys': (p, n) => ['created ', ...key(n, undefined, p.body)],
  'PUT /v2/api-keys/:api_key_id/revoke': (p, n) => ['revoked ', ...key(n, str(p.vars.api_key_id), p.body)],
  'POST /v2/api-keys/:api_key_id/refresh': (p, n) => ['refreshed ', ...key(n, str(p.vars.api_key_id), p.body)],
  'POST /v2/api-keys/:api_key_id/transfer': (p, n) => ['handed ', ...key(n, str(p.vars.api_key_id), {}), ' to ', person(n, str(p.body.created_by_user_id))],
  'POST /v2/role-bindings': (p, n) => [
    'bound ', ...resource(n, 'role', str(p.body.role_id)), ' to ', person(n, str(p.body.user_id)), ' on ',
    ...resource(n, p.body.resource_type === 'PROJECT' ? 'project' : 'space', str(p.body.resource_id)),
  ],
  'PATCH /v2/role-bindings/:binding_id': (p, n) => ['changed a role binding to ', ...resource(n, 'role', str(p.body.role_id))],
  'DELETE /v2/role-bindings/:binding_id': () => ['removed a role binding'],
  'POST /v2/resource-restrictions': (p, n) => ['restricted ', ...resource(n, 'project', str(p.body.resource_id))],
  'DELETE /v2/resource-restrictions/:resource_id': (p, n) => ['lifted the restriction on ', ...resource(n, 'project', str(p.vars.resource_id))],
  'POST /v2/organizations/:org_id/users': (p, n) => ['added ', person(n, str(p.body.user_id)), ' to ', ...resource(n, 'organization', str(p.vars.org_id)), roleWords(n, p.body.role)],
  'DELETE /v2/organizations/:org_id/users/:user_id': (p, n) => ['removed ', person(n, str(p.vars.user_id)), ' from ', ...resource(n, 'organization', str(p.vars.org_id))],
  'POST /v2/spaces/:space_id/users': (p, n) => ['added ', person(n, str(p.body.user_id)), ' to ', ...resource(n, 'space', str(p.vars.space_id)), roleWords(n, p.body.role)],
  'DELETE /v2/spaces/:space_id/users/:user_id': (p, n) => ['removed ', person(n, str(p.vars.user_id)), ' from ', ...resource(n, 'space', str(p.vars.space_id))],
};

const VERBS: Readonly<Record<string, string>> = { POST: 'created', PATCH: 'updated', PUT: 'updated', DELETE: 'deleted' };

/** `POST /v2/spaces`, `PATCH /v2/projects/:project_id`, … : the plain create/update/delete of a resource. */
function crud(p: Parsed, names: AuditNames): Segment[] | undefined {
  const m = /^(POST|PATCH|PUT|DELETE) \/v2\/(organizations|spaces|projects|roles)(?:\/:(\w+))?$/.exec(p.route);
  if (!m) return undefined;
  const kind = ROUTE_KIND[m[2]!]!;
  const created = m[1] === 'POST' ? createdRef(p) : undefined;
  const id = m[3] ? str(p.vars[m[3]]) : created && names.named(created.kind, created.name, created.parentId);
  const out: Segment[] = [`${VERBS[m[1]!]} `, ...resource(names, kind, id, str(p.body.name))];
  // Where a new space or project went.
  for (const [param, parent] of Object.entries(PARAM_KIND)) {
    const parentId = str(p.body[param === 'org_id' ? 'organization_id' : param]);
    if (parentId && parent !== kind) out.push(' in ', ...resource(names, parent, parentId));
  }
  return out;
}

/** What a `POST /v2/{organizations|spaces|projects|roles}` entry created: its kind, name and parent. */
function createdRef(p: Parsed): CreatedRef | undefined {
  const m = /^POST \/v2\/(organizations|spaces|projects|roles)$/.exec(p.route);
  const name = str(p.body.name);
  if (!m || !name) return undefined;
  return { kind: ROUTE_KIND[m[1]!]!, name, parentId: str(p.body.organization_id) ?? str(p.body.space_id) };
}

/** The entry as a sentence: who, then what they did to what and where. */
export function describeEntry(entry: AuditLog, names: AuditNames): Segment[] {
  const p = parse(entry);
  const actor: Segment = entry.user_id === NOBODY ? describeDirectory(p.vars) : person(names, entry.user_id);
  const what = ROUTES[p.route]?.(p, names) ?? crud(p, names) ?? [entry.operation_type === 'MUTATION' ? 'ran ' : 'read ', { text: p.route || 'an operation' }];
  return [actor, ' ', ...what];
}

function describeDirectory(vars: Fields): string {
  return str(vars.actor)?.startsWith('scim_token:') ? 'The identity provider’s directory (SCIM)' : 'The system';
}

export function segmentsText(segments: readonly Segment[]): string {
  return segments.map((s) => (typeof s === 'string' ? s : s.text)).join('');
}

/** The ids an entry names, so the page can look them up once for all rows. */
export function entryRefs(entries: readonly AuditLog[]): EntryRefs {
  const refs: EntryRefs = { users: [], resources: [], keys: [], created: [] };
  for (const entry of entries) {
    const p = parse(entry);
    const created = createdRef(p);
    if (created) refs.created.push(created);
    refs.users.push(entry.user_id);
    for (const id of bodySpaces(p.body)) refs.resources.push(['space', id]);
    for (const fields of [p.vars, p.body]) {
      for (const [field, value] of Object.entries(fields)) {
        const id = str(value);
        if (!id) continue;
        if (field === 'user_id' || field === 'created_by_user_id') refs.users.push(id);
        else if (field === 'api_key_id') refs.keys.push(id);
        else if (field === 'organization_id') refs.resources.push(['organization', id]);
        else if (field === 'resource_id') refs.resources.push([fields.resource_type === 'SPACE' ? 'space' : 'project', id]);
        else if (PARAM_KIND[field]) refs.resources.push([PARAM_KIND[field], id]);
      }
    }
  }
  return refs;
}

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = ['time', 'summary', 'user_id', 'user', 'operation_type', 'operation', 'ip', 'variables', 'body', 'id'] as const;

/** The entries as CSV (RFC 4180, CRLF), one row each with its sentence. */
export function auditCsv(entries: readonly AuditLog[], names: AuditNames): string {
  const rows = entries.map((e) => {
    const u = names.user(e.user_id);
    return [e.created_at, segmentsText(describeEntry(e, names)), e.user_id, u ? `${u.name} <${u.email}>` : '', e.operation_type, e.operation_name ?? '', e.ip, e.variables ?? '', e.operation_text ?? '', e.id];
  });
  return [CSV_COLUMNS, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The entries as the API answers them, each with its sentence as `summary`. */
export function auditJson(entries: readonly AuditLog[], names: AuditNames): string {
  return JSON.stringify(entries.map((e) => ({ ...e, summary: segmentsText(describeEntry(e, names)) })), null, 2) + '\n';
}
