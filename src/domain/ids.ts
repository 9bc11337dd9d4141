import { ApiError } from './errors.js';

/** The resource types whose ids appear on the wire. */
export type IdType =
  | 'Account' | 'User' | 'Organization' | 'Space' | 'Project' | 'Role' | 'RoleBinding'
  | 'OrganizationMembership' | 'SpaceMembership' | 'ApiKey' | 'AuditLog'
  | 'SamlIdentityProvider' | 'OidcIdentityProvider' | 'RoleMapping' | 'OAuthGrant' | 'ScimToken' | 'ScimGroup'
  | 'AccessReview' | 'AccessReviewGrant';

/**
 * Ids are padded standard base64 of `Type:n`. Arize's clients decide "id or name?" by decoding with padded
 * standard base64 and looking for a `:`, so an unpadded or url-safe id would be taken for a name.
 */
export function encodeId(type: IdType, n: number): string {
  // `btoa`, not a Buffer: the text is ASCII (a type name and digits), where its Latin-1 is UTF-8, and every answer
  // encodes several ids (a space names its organization too), for a third of a Buffer's cost.
  return btoa(`${type}:${n}`);
}

/** An identity provider's id type follows its protocol: a SAML provider's id on an OIDC path is a foreign-typed id. */
export const PROVIDER_ID_TYPE = { SAML: 'SamlIdentityProvider', OIDC: 'OidcIdentityProvider' } as const;

/** The wire id of an identity provider of that protocol. */
export function encodeProviderId(protocol: keyof typeof PROVIDER_ID_TYPE, n: number): string {
  return encodeId(PROVIDER_ID_TYPE[protocol], n);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Row ids are 32-bit `integer` columns (PostgreSQL refuses a larger number with an error, not a miss). */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** A well-formed id, decoded. */
export interface ParsedId { readonly type: string; readonly n: number }

/**
 * Ids decoded lately, by their text: a client asks for the same few ids request after request (its space, its
 * project), and a lookup costs a small part of the decoding below (in process, ~9 against ~225 ns). Bounded:
 * emptied when full, so ids that are all different cost one decode each, as without it. Each id is kept as a copy
 * of its own: an id cut out of a request's URL is a slice that holds the whole URL, and 1,024 of them cut from 16 KB
 * URLs held 16.5 MB (0.1 MB as copies).
 */
const recentIds = new Map<string, ParsedId>();
const RECENT_IDS = 1024;

/** Decodes any well-formed id into its type and number, or undefined; a number past MAX_ROW_ID is malformed. */
export function parseId(id: string): ParsedId | undefined {
  const recent = recentIds.get(id);
  if (recent !== undefined) return recent;
  const parsed = decodeText(id);
  if (parsed !== undefined) {
    if (recentIds.size >= RECENT_IDS) recentIds.clear();
    // A well-formed id is base64 text: Latin-1 carries it unchanged.
    recentIds.set(Buffer.from(id, 'latin1').toString('latin1'), parsed);
  }
  return parsed;
}

function decodeText(id: string): ParsedId | undefined {
  if (id.length === 0 || id.length > 200 || !BASE64.test(id)) return undefined;
  // `atob` decodes to Latin-1 where a Buffer would decode UTF-8: the two differ only on bytes past ASCII, which the
  // pattern below refuses either way. It never throws on text BASE64 accepted.
  const text = atob(id);
  const m = /^([A-Za-z]+):([1-9][0-9]{0,9})$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[2]);
  return n > MAX_ROW_ID ? undefined : Object.freeze({ type: m[1]!, n });
}

/** Decodes an id of the expected type; a malformed or foreign-typed id is a 400 naming the field. */
export function decodeId(type: IdType, id: string, field: string): number {
  const parsed = parseId(id);
  if (!parsed || parsed.type !== type) {
    throw new ApiError('INVALID_ID', `${field} is not a valid ${type} id: ${JSON.stringify(id.slice(0, 100))}`);
  }
  return parsed.n;
}
