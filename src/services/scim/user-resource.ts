import SCIMMY from 'scimmy';
import { ScimError, scimInvalid } from '../../domain/scim-error.js';
import { scimId } from '../../domain/scim-ids.js';
import type { ScimUserRecord } from '../../store/repositories/scim-users.js';
import type { ResourceUrns } from './attribute-projection.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './discovery.js';

/**
 * What a directory says about a user, read and checked (RFC 7643 types through SCIMMY's User schema): `userName`
 * verbatim, the email the user signs in with, the name shown in the console, and everything else kept as sent.
 */
export interface ScimUserInput {
  userName: string;
  email: string;
  name: string;
  externalId: string | null;
  /** Undefined when the body leaves it out (a PUT without `active` changes nothing, identity.md §5.3). */
  active: boolean | undefined;
  /** Every other attribute, returned as sent (`scim_attributes`). */
  attributes: Record<string, unknown>;
}

/** Members the server owns or never keeps: not part of `scim_attributes`. */
const NOT_KEPT = new Set(['schemas', 'id', 'meta', 'username', 'externalid', 'active', 'groups', 'password']);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A body (POST, PUT, or a patched resource) as SCIMMY's User schema reads it; a type mismatch is 400 `invalidValue`. */
export function readUserBody(body: unknown): ScimUserInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimInvalid('invalidSyntax', 'the body must be a User object');
  const raw = body as Record<string, unknown>;
  if (raw.schemas !== undefined && !Array.isArray(raw.schemas)) throw scimInvalid('invalidSyntax', 'schemas must be an array');
  let user: Record<string, unknown>;
  try {
    // The password never goes further than this line (people sign in by SSO; it is not stored, returned or audited).
    const { password: _password, ...rest } = raw;
    user = JSON.parse(JSON.stringify(new SCIMMY.Schemas.User({ schemas: [USER_SCHEMA], ...rest }, 'in'))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SCIMMY.Types.Error) throw new ScimError(400, error.message, (error.scimType as ScimError['scimType']) ?? 'invalidValue');
    if (error instanceof TypeError) throw scimInvalid('invalidValue', error.message);
    throw error;
  }
  const userName = typeof user.userName === 'string' ? user.userName.trim() : '';
  if (userName === '') throw scimInvalid('invalidValue', 'userName is required and must not be empty');
  const attributes = Object.fromEntries(Object.entries(user).filter(([k]) => !NOT_KEPT.has(k.toLowerCase())));
  return {
    userName,
    email: emailOf(userName, attributes.emails),
    name: nameOf(userName, attributes),
    externalId: typeof user.externalId === 'string' && user.externalId !== '' ? user.externalId : null,
    active: typeof user.active === 'boolean' ? user.active : undefined,
    attributes,
  };
}

/** identity.md §5.3: `userName` when it is an email address, else the primary email, else the work email. */
function emailOf(userName: string, emails: unknown): string {
  if (EMAIL.test(userName)) return userName;
  const list = Array.isArray(emails) ? emails as { value?: unknown; type?: unknown; primary?: unknown }[] : [];
  const pick = list.find((e) => e.primary === true) ?? list.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work');
  if (typeof pick?.value === 'string' && EMAIL.test(pick.value.trim())) return pick.value.trim();
  throw scimInvalid('invalidValue', 'userName is not an email address and no primary or work email is given: the user needs an email on one of the identity provider\'s domains');
}

/** `displayName`, else `name.formatted`, else given and family name, else `userName`. */
function nameOf(userName: string, attributes: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const name = (attributes.name ?? {}) as Record<string, unknown>;
  return text(attributes.displayName) || text(name.formatted) || [text(name.givenName), text(name.familyName)].filter(Boolean).join(' ') || userName;
}

/** The stored user as the directory last described it, in SCIMMY's input shape (what a PATCH applies to). */
export function patchableUser(record: ScimUserRecord): Record<string, unknown> {
  const { id: _id, meta: _meta, groups: _groups, ...rest } = toScimUser(record, '');
  return rest;
}

/** A user's absolute location under the SCIM base: its `meta.location`, and the `Location` of its creation. */
export const userLocation = (baseUrl: string, userId: number) => `${baseUrl}/Users/${scimId('User', userId)}`;

/**
 * The SCIM User of a stored user (RFC 7643 §4.1): the attributes the directory sent, returned as sent, around what the
 * server owns — `id`, `userName` (its email for a user the directory did not describe), `active` (not deactivated),
 * `groups` (its SCIM groups of this provider) and `meta` with an absolute `location`.
 */
export function toScimUser(record: ScimUserRecord, baseUrl: string): Record<string, unknown> {
  const { user, link } = record;
  const attributes = link?.scim_attributes ? JSON.parse(link.scim_attributes) as Record<string, unknown> : defaultAttributes(record);
  const id = scimId('User', user.id);
  const lastModified = [user.updated_at, link?.scim_updated_at ?? ''].sort().at(-1)!;
  return {
    schemas: ENTERPRISE_USER_SCHEMA in attributes ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id,
    ...(link?.scim_external_id ? { externalId: link.scim_external_id } : {}),
    userName: link?.scim_user_name ?? user.email,
    ...attributes,
    active: user.deactivated_at === null,
    ...(record.groups.length > 0 ? { groups: record.groups.map((g) => ({ value: scimId('ScimGroup', g.id), display: g.display_name, type: 'direct' })) } : {}),
    meta: { resourceType: 'User', created: user.created_at, lastModified, location: userLocation(baseUrl, user.id) },
  };
}

/** A user the directory never described (it existed before, or signed in by SSO): its name and email. */
function defaultAttributes(record: ScimUserRecord): Record<string, unknown> {
  return { displayName: record.user.name, emails: [{ value: record.user.email, type: 'work', primary: true }] };
}

/** The User resource's schemas, for `attributes` / `excludedAttributes`. */
export const USER_URNS: ResourceUrns = { core: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] };
