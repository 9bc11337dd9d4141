import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useToast } from '../../components/Toast.js';
import { ssoApi, type Protocol } from './sso-api.js';

/** Deleting a provider says what happens to the people who sign in through it and to the grants it gave. */
export function DeleteProviderDialog({
  provider,
  onClose,
  onDeleted,
}: {
  provider: { id: string; name: string; protocol: Protocol; email_domains: readonly { domain: string }[] };
  onClose: () => void;
  onDeleted: () => void;
}) {
  const toast = useToast();
  return (
    <ConfirmDialog
      title="Delete identity provider"
      confirmLabel="Delete provider"
      danger
      removesOpener
      onClose={onClose}
      onConfirm={async () => {
        await ssoApi.remove(provider.protocol, provider.id);
        toast(`Deleted ${provider.name}.`);
        onDeleted();
      }}
    >
      <p>
        Delete the {provider.protocol} provider <strong>{provider.name}</strong>?
      </p>
      <ul>
        <li>Its email domains ({provider.email_domains.map((d) => d.domain).join(', ')}) are freed and nobody can sign in through it any more.</li>
        <li>
          Every grant it gave becomes a <strong>manual</strong> grant: people keep their access, and admins manage it from now on.
        </li>
        <li>People without a password will need a password reset to sign in.</li>
      </ul>
    </ConfirmDialog>
  );
}
