import { Alert, ErrorAlert } from '../components/Alert.js';
import { PageHeader } from '../components/PageHeader.js';
import { useAsync } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { ScimPanel } from './provisioning/ScimPanel.js';
import { providerPath, ssoApi, type ProviderSummary } from './sso/sso-api.js';

/**
 * Settings → Provisioning: SCIM per identity provider (issue 12). A directory provisions the people of one provider's
 * email domains, and the groups it pushes drive roles through that provider's role mappings, so each provider has its
 * own card with its own tokens.
 */
export function ProvisioningPage() {
  const { isAccountAdmin } = useSession();
  const providers = useAsync(() => (isAccountAdmin ? ssoApi.listProviders() : Promise.resolve([])), [isAccountAdmin]);

  return (
    <>
      <PageHeader title="Provisioning" crumbs={[{ label: 'Settings', to: '/settings/api-keys' }]}>
        <p>
          A directory (Okta, Microsoft Entra ID, …) creates, updates and deactivates people here over SCIM 2.0. Give it the base URL and a token of
          the identity provider whose people it manages; the groups it pushes are matched by that provider&apos;s role mappings as the attribute{' '}
          <code className="mono">group</code>.
        </p>
      </PageHeader>
      {!isAccountAdmin ? (
        <Alert tone="info">You need to be an account admin to configure provisioning.</Alert>
      ) : (
        <>
          <ErrorAlert error={providers.error} />
          {providers.loading && <p className="muted">Loading…</p>}
          {providers.data?.length === 0 && (
            <Alert tone="info" title="No identity providers yet">
              SCIM provisioning belongs to an identity provider. <Link to="/settings/single-sign-on">Add one in Single sign-on</Link> with the email
              domains of the people the directory will push, then come back here for its token.
            </Alert>
          )}
          {providers.data?.map((p) => <ProviderCard key={`${p.protocol}:${p.id}`} provider={p} />)}
        </>
      )}
    </>
  );
}

function ProviderCard({ provider }: { provider: ProviderSummary }) {
  const headingId = `scim-${provider.protocol}-${provider.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <section className="section" aria-labelledby={headingId}>
      <div className="section-header">
        <div>
          <h2 id={headingId}>{provider.name}</h2>
          <p className="muted section-description">
            <span className="badge badge-blue">{provider.protocol}</span>{' '}
            {provider.enabled ? null : <span className="badge badge-gray">Disabled: its tokens are refused</span>}{' '}
            {provider.email_domains.map((d) => d.domain).join(', ')}
          </p>
        </div>
        <div className="section-actions">
          <Link to={providerPath(provider.protocol, provider.id)} className="btn btn-small" aria-label={`Edit ${provider.name} and its role mapping`}>
            Edit provider
          </Link>
        </div>
      </div>
      <ScimPanel protocol={provider.protocol} idpId={provider.id} providerName={provider.name} />
    </section>
  );
}
