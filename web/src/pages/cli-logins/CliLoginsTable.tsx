import { useState } from 'react';
import type { OAuthGrant } from '../../../../src/client/types.js';
import { ErrorAlert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { LoadMore, Table, type Column } from '../../components/Table.js';
import { useToast } from '../../components/Toast.js';
import { api, page } from '../../lib/api.js';
import { formatDate, formatDateTime, relativeTime } from '../../lib/format.js';
import { usePaged } from '../../lib/hooks.js';

/**
 * The live CLI logins (`ax auth login`) of the signed-in user, or of `user` (account admins: the Users page), each
 * with Revoke behind a confirmation that says what ends.
 */
export function CliLoginsTable({ user }: { user?: { id: string; email: string } }) {
  const toast = useToast();
  const list = usePaged((cursor) => page(api.oauthGrants.list({ user_id: user?.id, cursor }), 'oauth_grants'), [user?.id]);
  const [revoking, setRevoking] = useState<OAuthGrant>();

  const columns: Column<OAuthGrant>[] = [
    {
      header: 'Client',
      cell: (g) => (
        <div>
          <div className="strong">{g.client_name}</div>
          <div className="muted small mono">{g.client_id}</div>
        </div>
      ),
    },
    { header: 'Signed in', cell: (g) => <span title={g.created_at}>{formatDateTime(g.created_at)}</span> },
    { header: 'Last used', cell: (g) => (g.last_used_at ? <span title={g.last_used_at}>{relativeTime(g.last_used_at)}</span> : 'Never') },
    { header: 'Expires', cell: (g) => <span title={g.expires_at}>{formatDate(g.expires_at)}</span> },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (g) => (
        <button
          type="button"
          className="btn btn-small btn-danger-outline"
          onClick={() => setRevoking(g)}
          aria-label={`Revoke the CLI login of ${formatDateTime(g.created_at)}`}
        >
          Revoke
        </button>
      ),
    },
  ];

  return (
    <>
      <ErrorAlert error={list.error} />
      <Table
        caption={user ? `CLI logins of ${user.email}` : 'Your CLI logins'}
        columns={columns}
        rows={list.items}
        rowKey={(g) => g.id}
        loading={list.loading}
        empty={user ? `${user.email} has no CLI logins.` : 'You have no CLI logins. Run ax auth login in a terminal to sign in there.'}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
      {revoking && (
        <ConfirmDialog
          title="Revoke CLI login"
          confirmLabel="Revoke login"
          danger
          removesOpener
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await api.oauthGrants.revoke(revoking.id);
            toast('Revoked the CLI login.');
            list.reload();
          }}
        >
          <p>
            Revoke the login of <strong>{revoking.client_name}</strong> as {revoking.user_email}, signed in {formatDateTime(revoking.created_at)}? Its
            access and refresh tokens stop working at once; that terminal must run <code>ax auth login</code> again.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
