import { encodeId } from '../../domain/ids.js';
import { redactKey } from '../../services/key-display.js';
import { presentPrincipals } from './access-preview.js';
import type { RemovalCascade, RemovalOptions } from '../../services/removal-cascade.js';

export function removalOptions(query: { dry_run?: boolean | undefined; service_keys?: RemovalOptions['serviceKeys'] | undefined }): RemovalOptions {
  return { dryRun: query.dry_run ?? false, serviceKeys: query.service_keys ?? 'keep' };
}

/** Whether the removal answers 200 with a body (a dry run, or new raw keys to hand over) rather than 204. */
export function answersCascade(cascade: RemovalCascade | undefined): cascade is RemovalCascade {
  return cascade !== undefined && (cascade.dryRun || cascade.serviceKeyAction === 'rotate');
}

export function presentRemovalCascade(cascade: RemovalCascade) {
  return {
    dry_run: cascade.dryRun,
    service_keys_action: cascade.serviceKeyAction,
    organization_memberships: cascade.organizationMemberships,
    space_memberships: cascade.spaceMemberships,
    role_bindings: cascade.roleBindings,
    user_keys_revoked: cascade.userKeysRevoked,
    service_keys: cascade.serviceKeys.map(({ row, spaces, rotated }) => {
      const shown = rotated?.row ?? row;
      return {
        id: encodeId('ApiKey', shown.id),
        name: shown.name,
        redacted_key: redactKey(shown.public_id, shown.last4),
        created_by_user_id: encodeId('User', shown.created_by_user_id),
        spaces: spaces.map((id) => encodeId('Space', id)),
        ...(rotated ? { replaces_key_id: encodeId('ApiKey', row.id), key: rotated.key } : {}),
      };
    }),
    ...(cascade.principals ? presentPrincipals(cascade) : {}),
  };
}
