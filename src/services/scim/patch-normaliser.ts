import { scimInvalid } from '../../domain/scim-error.js';
import { resourceSchema } from './discovery.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * One PATCH operation in RFC 7644 §3.5.2's strict form, whatever the directory sent: `op` lower-case, always a `path`,
 * booleans as JSON booleans, `""`/`null` as a removal. Group member operations always read `path: "members"` with
 * `value` an array of `{value}` (a `remove` without `value` removes every member). An `id` operation is passed on as
 * sent: only the resource knows whether it is a change (refused) or Entra repeating the id (no change).
 */
export type NormalisedOp =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string; value?: unknown[] };

type Json = Record<string, unknown>;
type Attribute = { type: string; subAttributes?: Attribute[]; attributes?: Attribute[]; name: string; config?: { multiValued?: boolean } };

const OPS = new Set(['add', 'replace', 'remove']);
const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === '' || (isObject(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => x === null || x === ''));

/**
 * Reads a PATCH body as Okta and Entra send it (identity.md §5.4) and returns the operations RFC 7644 would have them
 * be, so that SCIMMY's PatchOp (or the groups' member logic) applies them strictly: Entra's `"Replace"`, its `"False"`
 * for booleans, Okta's path-less `{"op":"replace","value":{"active":false}}`, the member filter paths, and the
 * validator's "null update". Anything it cannot read is a 400 here, so no operation is ever silently skipped.
 */
export function normalisePatch(body: unknown, resource: 'User' | 'Group'): NormalisedOp[] {
  if (!isObject(body)) throw scimInvalid('invalidSyntax', 'the body must be a PatchOp object');
  const schemas = member(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_OP_SCHEMA)) throw scimInvalid('invalidSyntax', `schemas must be ["${PATCH_OP_SCHEMA}"]`);
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw scimInvalid('invalidSyntax', 'Operations must be a non-empty array');
  return operations.flatMap((operation, index) => normaliseOne(operation, index + 1, resource));
}

/** A member of the body, its name compared case-insensitively (attribute names are, RFC 7643 §2.1). */
function member(o: Json, name: string): unknown {
  const key = Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : o[key];
}

function normaliseOne(operation: unknown, n: number, resource: 'User' | 'Group'): NormalisedOp[] {
  if (!isObject(operation)) throw scimInvalid('invalidSyntax', `operation ${n} must be an object`);
  const rawOp = member(operation, 'op');
  const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : undefined;
  if (op === undefined || !OPS.has(op)) throw scimInvalid('invalidSyntax', `operation ${n}: op must be "add", "replace" or "remove", not ${JSON.stringify(rawOp)}`);
  const path = member(operation, 'path');
  const value = member(operation, 'value');
  if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) throw scimInvalid('invalidPath', `operation ${n}: path must be a non-empty string`);

  if (path === undefined) {
    if (op === 'remove') throw scimInvalid('noTarget', `operation ${n}: a remove needs a path`);
    if (!isObject(value)) throw scimInvalid('invalidSyntax', `operation ${n}: without a path, value must be an object of attributes`);
    return Object.entries(value).flatMap(([key, v]) => pathLess(op as 'add' | 'replace', key, v, n, resource));
  }
  return [one(op as NormalisedOp['op'], path.trim(), value, n, resource)];
}

/** Okta's and Entra's path-less value: one operation per member; an extension's object becomes one per attribute. */
function pathLess(op: 'add' | 'replace', key: string, value: unknown, n: number, resource: 'User' | 'Group'): NormalisedOp[] {
  if (key.toLowerCase().startsWith('urn:') && isObject(value) && isExtension(key, resource)) {
    return Object.entries(value).map(([attribute, v]) => one(op, `${key}:${attribute}`, v, n, resource));
  }
  return [one(op, key, value, n, resource)];
}

function isExtension(urn: string, resource: 'User' | 'Group'): boolean {
  return resourceSchema(resource).attributes.some((a) => (a as unknown as { id?: string }).id?.toLowerCase() === urn.toLowerCase());
}

function one(op: NormalisedOp['op'], path: string, value: unknown, n: number, resource: 'User' | 'Group'): NormalisedOp {
  if (/^members(\[|$)/i.test(path)) {
    if (resource === 'User') throw scimInvalid('invalidPath', `operation ${n}: a User has no members`);
    return memberOp(op, path, value, n);
  }
  if (op === 'remove') {
    if (value !== undefined && !isEmpty(value)) throw scimInvalid('invalidSyntax', `operation ${n}: a remove of ${path} takes no value`);
    return { op, path };
  }
  if (value === undefined) throw scimInvalid('invalidSyntax', `operation ${n}: ${op} needs a value`);
  // The validator's "null update": an optional attribute set to "" or null is removed (a required one then fails).
  if (isEmpty(value)) return { op: 'remove', path };
  return { op, path, value: withBooleans(attributeAt(path, resource), value) };
}

function memberOp(op: NormalisedOp['op'], path: string, value: unknown, n: number): NormalisedOp {
  const filtered = MEMBER_FILTER.exec(path);
  if (filtered) {
    if (op !== 'remove') throw scimInvalid('invalidPath', `operation ${n}: ${op} on a member filter is not supported; use path "members"`);
    return { op: 'remove', path: 'members', value: [{ value: JSON.parse(`"${filtered[1]}"`) as string }] };
  }
  if (path.toLowerCase() !== 'members') throw scimInvalid('invalidPath', `operation ${n}: unsupported member path ${JSON.stringify(path)} (supported: members, members[value eq "id"])`);
  if (op === 'remove' && (value === undefined || value === null)) return { op: 'remove', path: 'members' };
  const list = value === null ? [] : Array.isArray(value) ? value : [value];
  for (const m of list) {
    if (!isObject(m) || typeof member(m, 'value') !== 'string') throw scimInvalid('invalidValue', `operation ${n}: each member must be {"value": "<user id>"}`);
  }
  const members = list.map((m) => ({ value: member(m as Json, 'value') as string }));
  return { op, path: 'members', value: members };
}

/** The schema attribute a path names (filters stripped: `emails[type eq "work"].primary` → `emails.primary`). */
function attributeAt(path: string, resource: 'User' | 'Group'): Attribute | undefined {
  const plain = path.replace(/\[[^\]]*\]/g, '');
  try {
    return resourceSchema(resource).attribute(plain) as unknown as Attribute;
  } catch {
    return undefined; // an unknown path: SCIMMY answers it with invalidPath when it applies the operation
  }
}

/**
 * Entra's `"True"`/`"False"`, for attributes whose schema type is boolean only (a string attribute keeps "True"); and
 * its manager sent as the bare id (`"value": "<id>"` on the `manager` path) as the complex `{"value": "<id>"}`.
 */
function withBooleans(attribute: Attribute | undefined, value: unknown): unknown {
  if (attribute === undefined) return value;
  if (attribute.type === 'boolean' && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (attribute.type === 'complex' && attribute.config?.multiValued !== true && typeof value === 'string' && attribute.subAttributes?.some((c) => c.name === 'value')) {
    return { value };
  }
  const children = attribute.subAttributes ?? attribute.attributes;
  if (children === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => withBooleans(attribute, v));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBooleans(children.find((c) => c.name.toLowerCase() === k.toLowerCase()), v)]));
}
