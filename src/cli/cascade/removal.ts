import type { Option } from 'commander';
import type { CascadeServiceKey, RemovalCascade, ServiceKeyAction } from '../../client/types.js';
import { enumOption } from '../options/enums.js';
import type { Printer } from '../output/printer.js';
import { plural } from './plural.js';

const SERVICE_KEY_ACTIONS = ['KEEP', 'REVOKE', 'ROTATE'] as const;

/** `--service-keys keep|revoke|rotate` of the removals that report the removed person's service keys. */
export function serviceKeysOption(): Option {
  return enumOption('--service-keys <action>',
    'what to do with the service keys the person created (they keep working otherwise): keep (default), revoke, or rotate (new keys printed once)',
    SERVICE_KEY_ACTIONS).default('KEEP', 'keep');
}

/** The option's value as the API spells it. */
export function serviceKeyAction(value: unknown): ServiceKeyAction {
  return typeof value === 'string' ? value.toLowerCase() as ServiceKeyAction : 'keep';
}

/** What the service keys line says will happen to them. */
const FATE: Record<ServiceKeyAction, string> = {
  keep: 'keep working (they belong to the account; add --service-keys revoke or rotate, since the person may hold their secrets)',
  revoke: 'will be revoked',
  rotate: 'will be rotated: new secrets printed once, the old ones stop at once',
};

/**
 * The confirmation lines for a removal, from the server's own dry run (so the CLI never recomputes a cascade):
 * the counts for `what`, then the service keys the person created, by name.
 */
export function describeRemoval(cascade: RemovalCascade, what: 'user' | 'organization' | 'space', action: ServiceKeyAction): string[] {
  const lines: string[] = [];
  if (what === 'user') {
    lines.push(`${plural(cascade.organization_memberships, 'organization membership')}, ${plural(cascade.space_memberships, 'space membership')}, `
      + `${plural(cascade.role_bindings, 'role binding')}, ${plural(cascade.user_keys_revoked, 'API key')} revoked`);
  } else if (what === 'organization') {
    lines.push(`also removes them from ${plural(cascade.space_memberships, 'space')} of the organization`);
    lines.push(`and deletes ${plural(cascade.role_bindings, 'role binding')} on those spaces and their projects`);
  } else {
    lines.push(`also deletes ${plural(cascade.role_bindings, 'role binding')} on the space and its projects`);
  }
  if (cascade.service_keys.length > 0) {
    lines.push(`${plural(cascade.service_keys.length, 'service key')} they created ${FATE[action]}: ${cascade.service_keys.map(keyLabel).join(', ')}`);
  }
  return lines;
}

function keyLabel(key: CascadeServiceKey): string {
  return `${key.name} (${key.redacted_key})`;
}

/** Prints each rotated key's new secret once, clearly marked, or the whole answer with -o json|yaml. */
export function printRotatedKeys(printer: Printer, cascade: RemovalCascade | undefined): void {
  if (!cascade) return;
  if (!printer.isTable) {
    printer.object(cascade);
    return;
  }
  for (const key of cascade.service_keys) {
    if (key.key !== undefined) printer.secret(`New key for service key ${key.name} (${key.id}, replaces ${key.replaces_key_id})`, key.key);
  }
}
