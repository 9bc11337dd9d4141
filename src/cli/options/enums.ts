import { InvalidArgumentError, Option } from 'commander';
import { ACCOUNT_ROLE_KEYS, SERVICE_KEY_ACCOUNT_ROLE_KEYS } from '../../domain/account-roles.js';
import { PREDEFINED_ROLE_KEYS, SERVICE_KEY_ROLE_KEYS } from '../../domain/predefined-roles.js';
import { UsageError } from '../errors/cli-error.js';

export const USER_STATUSES = ['ACTIVE', 'INVITED', 'EXPIRED'] as const;
export const ACCOUNT_ROLES = ACCOUNT_ROLE_KEYS;
export const MEMBERSHIP_ROLES = PREDEFINED_ROLE_KEYS;
/** Roles a service key's bot may hold in a space, an organization and the account (ANNOTATOR is refused). */
export const SERVICE_SPACE_ROLES = SERVICE_KEY_ROLE_KEYS;
export const SERVICE_ORG_ROLES = SERVICE_KEY_ROLE_KEYS;
export const SERVICE_ACCOUNT_ROLES = SERVICE_KEY_ACCOUNT_ROLE_KEYS;
export const INVITE_MODES = ['EMAIL_LINK', 'TEMPORARY_PASSWORD', 'NONE'] as const;
export const KEY_TYPES = ['USER', 'SERVICE'] as const;
export const KEY_STATUSES = ['ACTIVE', 'REVOKED'] as const;
export const BINDING_RESOURCE_TYPES = ['SPACE', 'PROJECT'] as const;
export const AUDIT_OPERATION_TYPES = ['MUTATION', 'QUERY', 'SUBSCRIPTION'] as const;

/** `read-only`, `Read_Only` and `READ_ONLY` are the same value: upper case, `-` and spaces as `_`. */
export function normalizeEnum(value: string): string {
  return value.trim().toUpperCase().replace(/[-\s]+/g, '_');
}

/** How an enum value is shown to people: the seed's spelling (`member`, `read-only`, `email_link`). */
export function displayEnum(value: string): string {
  return value === 'READ_ONLY' ? 'read-only' : value.toLowerCase();
}

/** Parses an enum value in the wire or the seed spelling, case-insensitively; anything else is a usage error. */
export function parseEnum<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const normalized = normalizeEnum(value);
  const found = allowed.find((candidate) => candidate === normalized);
  if (!found) throw new UsageError(`invalid ${what} "${value}"; expected one of: ${allowed.map(displayEnum).join(', ')}`);
  return found;
}

/**
 * An option whose value is one of `allowed`, accepted in any case with `-` and `_` alike. `argChoices` is set for the
 * help text and shell completion; the lenient parser replaces commander's strict choice check.
 */
export function enumOption(flags: string, description: string, allowed: readonly string[], repeatable = false): Option {
  const option = new Option(flags, description);
  option.argChoices = allowed.map(displayEnum);
  option.argParser((value: string, previous: unknown) => {
    const parsed = value.split(',').filter((part) => part.trim() !== '').map((part) => {
      try {
        return parseEnum(part, allowed, option.long ?? flags);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message.replace(/^invalid \S+ "[^"]*"; /, ''));
      }
    });
    if (!repeatable) {
      if (parsed.length !== 1) throw new InvalidArgumentError(`expected exactly one of: ${allowed.map(displayEnum).join(', ')}`);
      return parsed[0];
    }
    return [...(Array.isArray(previous) ? previous : []), ...parsed];
  });
  return option;
}

/**
 * A role option that takes a predefined role (listed for help and completion) or a custom role's id or name; it is
 * parsed later by resolve/role-assignment.ts, which may need the server.
 */
export function roleOption(flags: string, description: string, predefined: readonly string[]): Option {
  const option = new Option(flags, description);
  option.argChoices = predefined.map(displayEnum);
  return option;
}
