import { isPermission, PERMISSIONS } from '../../domain/permissions.js';
import { UsageError } from '../errors/cli-error.js';
import { closeMatches } from '../resolve/close-matches.js';
import { normalizeEnum } from './enums.js';

/** Parses `--permissions P1,P2` against the catalogue (any case, `-` as `_`), naming any unknown one. */
export function parsePermissions(value: string): string[] {
  const names = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (names.length === 0) throw new UsageError('--permissions needs at least one permission');
  const parsed: string[] = [];
  for (const name of names) {
    parsed.push(parsePermission(name));
  }
  return [...new Set(parsed)];
}

export function parsePermission(name: string): string {
  const normalized = normalizeEnum(name);
  if (isPermission(normalized)) return normalized;
  const close = closeMatches(normalized, PERMISSIONS);
  throw new UsageError(
    `unknown permission "${name}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`,
    'See every permission with `ax roles get Admin` (a predefined role holds them all but account administration).',
  );
}
