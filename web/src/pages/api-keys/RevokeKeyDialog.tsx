import type { ApiKey } from '../../../../src/client/types.js';
import { AccessPreview } from '../../components/AccessPreview.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useToast } from '../../components/Toast.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';

/** A key of the same list, when it is there: the replacement of a refreshed key, or the old key a refresh replaced. */
function related(keys: readonly ApiKey[], apiKey: ApiKey) {
  const replacement = apiKey.replaced_by_api_key_id ? keys.find((k) => k.id === apiKey.replaced_by_api_key_id) : undefined;
  const replaced = keys.find((k) => k.replaced_by_api_key_id === apiKey.id && k.status === 'ACTIVE');
  return { replacement, replaced };
}

/**
 * What revoking a service key does to its bot user, as the server does it: the bot is removed once none of its
 * keys works, so the old key of a refresh goes alone (the replacement keeps the bot), and a replacement revoked
 * while the old key is in its grace period leaves the bot until that key lapses.
 */
function ServiceKeyConsequence({ apiKey, keys }: { apiKey: ApiKey; keys: readonly ApiKey[] }) {
  const { replacement, replaced } = related(keys, apiKey);
  if (apiKey.replaced_by_api_key_id) {
    return (
      <p>
        This is the old key of a refresh. Only it stops working: the key that replaced it
        {replacement ? (
          <>
            {' '}
            (<code className="mono">{replacement.redacted_key}</code>)
          </>
        ) : null}{' '}
        keeps working, and so does the key&apos;s bot user.
      </p>
    );
  }
  if (replaced) {
    return (
      <p>
        The old key it replaced (<code className="mono">{replaced.redacted_key}</code>) keeps working until{' '}
        {replaced.expires_at ? formatDateTime(replaced.expires_at) : 'it is revoked'}; the key&apos;s bot user is removed when no key of it works
        any more.
      </p>
    );
  }
  return <p>The key&apos;s bot user is removed with it: nothing can act with this key&apos;s access any more.</p>;
}

/** Asks before revoking a key, saying what stops working; `keys` is the list it was chosen from (for refreshed pairs). */
export function RevokeKeyDialog({ apiKey, keys, onClose, onRevoked }: { apiKey: ApiKey; keys: readonly ApiKey[]; onClose: () => void; onRevoked: () => void }) {
  const toast = useToast();
  return (
    <ConfirmDialog
      title="Revoke API key"
      confirmLabel="Revoke key"
      danger
      removesOpener
      onClose={onClose}
      onConfirm={async () => {
        await api.apiKeys.revoke(apiKey.id);
        toast(`Revoked “${apiKey.name}”.`);
        onRevoked();
      }}
    >
      <p>
        Revoke <strong>{apiKey.name}</strong> (<code className="mono">{apiKey.redacted_key}</code>)? Every client using it is refused from now on.
        This cannot be undone.
      </p>
      {apiKey.key_type === 'SERVICE' && <ServiceKeyConsequence apiKey={apiKey} keys={keys} />}
      {apiKey.key_type === 'SERVICE' && <AccessPreview load={() => api.previews.revokeApiKey(apiKey.id)} deps={[apiKey.id]} />}
    </ConfirmDialog>
  );
}
