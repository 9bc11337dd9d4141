import { useState } from 'react';
import type { RemovalCascade, ServiceKeyAction, User } from '../../../../src/client/types.js';
import { api } from '../../lib/api.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CascadeSummary, counted, useRemovalPreview } from '../../components/RemovalCascade.js';

/**
 * Spells out a deactivation from the server's own dry run (identity.md §5.5): what stops at once, the grants its
 * identity providers gave that go, and the service keys the person created, with the keep / revoke / rotate choice a
 * user's deletion offers (the person may still hold their secrets).
 */
export function DeactivateUserDialog({ user, onClose, onDeactivated }: {
  user: User; onClose: () => void; onDeactivated: (rotated: RemovalCascade | undefined) => void;
}) {
  const preview = useRemovalPreview((params) => api.users.deactivate(user.id, params), [user.id]);
  const [action, setAction] = useState<ServiceKeyAction>('keep');
  const describe = (c: RemovalCascade) => {
    const synced = c.organization_memberships + c.space_memberships + c.role_bindings;
    return [
      'they can no longer sign in, with a password or through SSO, and their console sessions end;',
      `their CLI logins end and ${counted(c.user_keys_revoked, 'user API key is', 'user API keys are')} revoked — reactivating does not bring these back;`,
      ...(synced === 0 ? [] : [`${counted(synced, 'grant', 'grants')} given by single sign-on or SCIM ${synced === 1 ? 'goes' : 'go'};`]),
      'their other memberships and role bindings are kept, so reactivating restores that access.',
    ];
  };

  return (
    <ConfirmDialog
      title="Deactivate user"
      confirmLabel="Deactivate user"
      danger
      onClose={onClose}
      onConfirm={async () => {
        const cascade = await api.users.deactivate(user.id, action === 'keep' ? {} : { service_keys: action });
        onDeactivated(cascade?.service_keys_action === 'rotate' ? cascade : undefined);
      }}
    >
      <p>
        Deactivate <strong>{user.name}</strong> ({user.email})? At once:
      </p>
      <CascadeSummary preview={preview} describe={describe} action={action} onActionChange={setAction} />
    </ConfirmDialog>
  );
}
