import { useState } from 'react';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { CopyButton } from '../components/CopyButton.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { Table, type Column } from '../components/Table.js';
import { useAsync } from '../lib/hooks.js';
import { Link, navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { DeleteProviderDialog } from './sso/DeleteProviderDialog.js';
import { DomainBadges } from './sso/DomainBadges.js';
import { ServiceProviderPanel } from './sso/ServiceProviderPanel.js';
import { providerPath, ssoApi, type ProviderSummary } from './sso/sso-api.js';

/** Settings → Single sign-on: the account's SAML and OIDC identity providers, and what to give an IdP admin. */
export function SingleSignOnPage() {
  const { isAccountAdmin } = useSession();
  const providers = useAsync(() => (isAccountAdmin ? ssoApi.listProviders() : Promise.resolve([])), [isAccountAdmin]);
  const [deleting, setDeleting] = useState<ProviderSummary>();

  const columns: Column<ProviderSummary>[] = [
    {
      header: 'Name',
      cell: (p) => (
        <Link to={providerPath(p.protocol, p.id)} className="strong">
          {p.name}
        </Link>
      ),
    },
    { header: 'Protocol', cell: (p) => <span className="badge badge-blue">{p.protocol}</span> },
    { header: 'Email domains', cell: (p) => <DomainBadges domains={p.email_domains} /> },
    {
      header: 'Status',
      cell: (p) => (
        <>
          {p.enabled ? <span className="badge badge-green">Enabled</span> : <span className="badge badge-gray">Disabled</span>}{' '}
          {p.allow_only_sso_logins && <span className="badge badge-amber">SSO only</span>}
        </>
      ),
    },
    {
      header: 'Login URL',
      cell: (p) => (
        <div className="sso-url">
          <span className="mono">{p.login_url}</span>
          <CopyButton text={p.login_url} label="Copy" />
        </div>
      ),
    },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (p) => (
        <div className="button-row">
          <a className="btn btn-small" href={p.login_url} target="_blank" rel="noopener noreferrer" aria-label={`Test login with ${p.name} (opens a new tab)`}>
            Test login
          </a>
          <Link to={providerPath(p.protocol, p.id)} className="btn btn-small" aria-label={`Edit ${p.name}`}>
            Edit
          </Link>
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`}>
            Delete
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Single sign-on"
        actions={
          isAccountAdmin && (
            <div className="button-row">
              <button type="button" className="btn btn-primary" onClick={() => navigate('/settings/single-sign-on/new/saml')}>
                Add SAML provider
              </button>
              <button type="button" className="btn" onClick={() => navigate('/settings/single-sign-on/new/oidc')}>
                Add OIDC provider
              </button>
            </div>
          )
        }
      >
        <p>
          People whose email domain belongs to an identity provider sign in through it; role mappings turn the groups it
          asserts into account, organization, space and project roles.
        </p>
      </PageHeader>
      {!isAccountAdmin ? (
        <Alert tone="info">Only account admins can configure single sign-on.</Alert>
      ) : (
        <>
          <ErrorAlert error={providers.error} />
          <Section title="Identity providers">
            <Table
              caption="Identity providers"
              columns={columns}
              rows={providers.data ?? []}
              rowKey={(p) => `${p.protocol}:${p.id}`}
              loading={providers.loading}
              empty="No identity providers yet. Add one to let people sign in with their company login."
            />
          </Section>
          <ServiceProviderPanel />
        </>
      )}
      {deleting && <DeleteProviderDialog provider={deleting} onClose={() => setDeleting(undefined)} onDeleted={providers.reload} />}
    </>
  );
}
