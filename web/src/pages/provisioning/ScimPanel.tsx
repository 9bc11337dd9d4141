import { useState } from 'react';
import { ErrorAlert } from '../../components/Alert.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Expiry } from '../../components/Expiry.js';
import { Table, type Column } from '../../components/Table.js';
import { useToast } from '../../components/Toast.js';
import { formatDate, formatDateTime, relativeTime } from '../../lib/format.js';
import type { Protocol } from '../sso/sso-api.js';
import { NewScimTokenDialog } from './NewScimTokenDialog.js';
import { scimApi, useScimStatus, useScimTokens, type ScimRecentError, type ScimToken } from './scim-api.js';

interface ScimPanelProps {
  protocol: Protocol;
  idpId: string;
  providerName: string;
}

function When({ iso, never }: { iso: string | null | undefined; never: string }) {
  if (!iso) return <span className="muted">{never}</span>;
  return <span title={formatDateTime(iso)}>{relativeTime(iso)}</span>;
}

/**
 * One identity provider's SCIM provisioning: the base URL to paste into the directory, its tokens (created here and
 * shown once, revoked here), when the directory last called and last changed someone's grants, how many users and
 * groups it manages, and its recent failed requests. Settings → Provisioning shows one per provider; the provider's
 * own page shows it in its SCIM tab.
 */
export function ScimPanel({ protocol, idpId, providerName }: ScimPanelProps) {
  const toast = useToast();
  const status = useScimStatus(protocol, idpId);
  const tokens = useScimTokens(protocol, idpId);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ScimToken>();
  const reload = () => {
    status.reload();
    tokens.reload();
  };
  const s = status.data;

  const tokenColumns: Column<ScimToken>[] = [
    { header: 'Name', cell: (t) => <span className="strong">{t.name}</span> },
    { header: 'Token', cell: (t) => <code className="mono">{t.redacted_token}</code> },
    { header: 'Created', cell: (t) => <span title={t.created_at}>{formatDate(t.created_at)}</span> },
    { header: 'Expires', cell: (t) => <Expiry iso={t.expires_at} /> },
    { header: 'Last used', cell: (t) => <When iso={t.last_used_at} never="Never" /> },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (t) => (
        <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
          Revoke
        </button>
      ),
    },
  ];

  const errorColumns: Column<ScimRecentError>[] = [
    { header: 'When', cell: (e) => <When iso={e.at} never="—" /> },
    { header: 'Request', cell: (e) => <code className="mono">{`${e.method} ${e.route}`}</code> },
    { header: 'Status', cell: (e) => <span className="badge badge-red">{e.scim_type ? `${e.status} ${e.scim_type}` : e.status}</span> },
    { header: 'Detail', cell: (e) => e.detail },
  ];

  return (
    <div>
      <ErrorAlert error={status.error} />
      <dl className="sso-facts" aria-busy={status.loading || undefined}>
        <div className="sso-fact">
          <dt>SCIM base URL</dt>
          <dd>
            {s ? (
              <>
                <span className="mono">{s.base_url}</span>
                <CopyButton text={s.base_url} label="Copy URL" />
              </>
            ) : (
              <span className="muted">Loading…</span>
            )}
          </dd>
        </div>
        <div className="sso-fact">
          <dt>Last request</dt>
          <dd>{s ? <When iso={s.last_request_at} never="None yet" /> : '…'}</dd>
        </div>
        <div className="sso-fact">
          <dt>Last sync</dt>
          <dd>{s ? <When iso={s.last_sync_at} never="None yet" /> : '…'}</dd>
        </div>
        <div className="sso-fact">
          <dt>Users managed</dt>
          <dd>{s ? s.users : '…'}</dd>
        </div>
        <div className="sso-fact">
          <dt>Groups</dt>
          <dd>{s ? s.groups : '…'}</dd>
        </div>
      </dl>

      <section className="section" aria-label={`SCIM tokens of ${providerName}`}>
        <div className="section-header">
          <h3>Tokens</h3>
          <div className="section-actions">
            <button type="button" className="btn btn-small" onClick={reload} aria-label={`Refresh provisioning of ${providerName}`}>
              Refresh
            </button>
            <button type="button" className="btn btn-small btn-primary" onClick={() => setCreating(true)} aria-label={`New SCIM token for ${providerName}`}>
              New token
            </button>
          </div>
        </div>
        <ErrorAlert error={tokens.error} />
        <Table
          caption={`SCIM tokens of ${providerName}`}
          columns={tokenColumns}
          rows={tokens.data ?? []}
          rowKey={(t) => t.id}
          loading={tokens.loading}
          empty="No tokens. Create one and paste it into the directory with the base URL."
        />
      </section>

      <section className="section" aria-label={`Recent SCIM errors of ${providerName}`}>
        <div className="section-header">
          <h3>Recent errors</h3>
        </div>
        <Table
          caption={`Recent SCIM errors of ${providerName}`}
          columns={errorColumns}
          rows={(s?.recent_errors ?? []).map((error, index) => ({ ...error, index }))}
          rowKey={(e) => String(e.index)}
          loading={status.loading}
          empty="No failed requests from the directory."
        />
      </section>

      {creating && (
        <NewScimTokenDialog
          protocol={protocol}
          idpId={idpId}
          providerName={providerName}
          baseUrl={s?.base_url}
          onClose={() => setCreating(false)}
          onCreated={reload}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke SCIM token"
          confirmLabel="Revoke token"
          danger
          removesOpener
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await scimApi.revokeToken(protocol, idpId, revoking.id);
            toast(`Revoked “${revoking.name}”.`);
            reload();
          }}
        >
          <p>
            Revoke <strong>{revoking.name}</strong> (<code className="mono">{revoking.redacted_token}</code>)? The directory using it is refused from
            now on, so provisioning and deprovisioning through it stop until it has another token. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
