import jmespath from 'jmespath';
import { ApiError } from '../../domain/errors.js';

/** Where the email, the name and the groups are in the claims: JMESPath expressions (identity.md §3.1, §3.2). */
export interface ClaimPaths {
  /** Default `email`. */
  email: string;
  /** Default `name`. */
  name: string;
  /** e.g. `groups`, `realm_access.roles`, `"cognito:groups"`; null: no groups beyond a top-level `groups` claim. */
  groups: string | null;
}

export interface OidcIdentity {
  subject: string;
  /** Lower-cased. */
  email: string;
  name?: string;
  /** The attribute map the role-mapping engine sees. */
  attributes: Record<string, string[]>;
  /** Entra ID's group overage: the token lists no groups because the user has too many. */
  overage: boolean;
}

// @types/jmespath declares only `search`; the library also exports `compile`, which parses without evaluating.
const { compile } = jmespath as unknown as { compile(expression: string): unknown };

/** Throws VALIDATION_FAILED naming the field when the expression does not parse. */
export function assertClaimPath(field: string, expression: string): void {
  try {
    compile(expression);
  } catch (error) {
    throw new ApiError('VALIDATION_FAILED', `${field} is not a valid JMESPath expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The value at a path; a path that fails at runtime (a function given the wrong type) finds nothing. */
export function valueAt(claims: Record<string, unknown>, path: string): unknown {
  try {
    return jmespath.search(claims, path) as unknown;
  } catch {
    return null;
  }
}

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function attributeValues(value: unknown): string[] | undefined {
  if (isScalar(value)) return [String(value)];
  if (Array.isArray(value) && value.every(isScalar)) return value.map(String);
  return undefined;
}

function groupsAt(claims: Record<string, unknown>, path: string): string[] | undefined {
  const value = valueAt(claims, path);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

/** Entra ID sends `hasgroups` (implicit flow) or `_claim_names.groups` (code flow) instead of more than 200 groups. */
function isGroupOverage(claims: Record<string, unknown>): boolean {
  const claimNames = claims._claim_names;
  return claims.hasgroups === true || claims.hasgroups === 'true'
    || (typeof claimNames === 'object' && claimNames !== null && 'groups' in claimNames);
}

/**
 * The identity an OP asserted: the email at `paths.email` (lower-cased; missing → SSO_EMAIL_MISSING), refused when
 * `email_verified` is present and not true (OIDC_EMAIL_UNVERIFIED), the name at `paths.name`, and the attribute map:
 * every top-level claim that is a string, number, boolean or an array of those (as strings), with `groups` from
 * `paths.groups` when set. On Entra group overage there are no groups at all and `overage` is true.
 */
export function identityFromClaims(claims: Record<string, unknown>, paths: ClaimPaths): OidcIdentity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') throw new ApiError('OIDC_TOKEN_INVALID', 'the ID token has no sub claim');
  const email = valueAt(claims, paths.email);
  if (typeof email !== 'string' || email.trim() === '') {
    throw new ApiError('SSO_EMAIL_MISSING', `the provider's claims have no email at email_claim_path ${JSON.stringify(paths.email)}`);
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(email.trim())) {
    throw new ApiError('SSO_EMAIL_MISSING', `the value at email_claim_path ${JSON.stringify(paths.email)} is not an email address`);
  }
  // Some providers (AWS Cognito's userinfo) send the string "true".
  if (claims.email_verified !== undefined && claims.email_verified !== true && claims.email_verified !== 'true') {
    throw new ApiError('OIDC_EMAIL_UNVERIFIED', `the provider says ${email.trim()} is not verified (email_verified: ${JSON.stringify(claims.email_verified)})`);
  }
  const name = valueAt(claims, paths.name);
  const attributes: Record<string, string[]> = {};
  for (const [claim, value] of Object.entries(claims)) {
    const values = attributeValues(value);
    if (values) attributes[claim] = values;
  }
  const overage = isGroupOverage(claims);
  if (paths.groups !== null || overage) delete attributes.groups;
  if (paths.groups !== null && !overage) {
    const groups = groupsAt(claims, paths.groups);
    if (groups) attributes.groups = groups;
  }
  return {
    subject,
    email: email.trim().toLowerCase(),
    ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
    attributes,
    overage,
  };
}
