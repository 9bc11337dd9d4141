import { ErrorAlert } from '../../components/Alert.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Section } from '../../components/PageHeader.js';
import { useAsync } from '../../lib/hooks.js';
import { ssoApi } from './sso-api.js';

/** What to give an identity provider's admin: this server as a SAML service provider and an OIDC client. */
export function ServiceProviderPanel() {
  const info = useAsync(() => ssoApi.serviceProvider(), []);
  const rows = info.data
    ? [
        { label: 'Entity ID (audience)', value: info.data.entity_id },
        { label: 'ACS URL (single sign-on URL)', value: info.data.acs_url },
        { label: 'SP metadata URL', value: info.data.metadata_url },
        { label: 'OIDC redirect URI', value: info.data.oidc_redirect_uri },
      ]
    : [];
  return (
    <Section title="Service provider" description="Give these to the identity provider's admin: SAML apps take the first three, OIDC clients the redirect URI.">
      <ErrorAlert error={info.error} />
      {info.loading && <p className="muted">Loading…</p>}
      <dl className="sso-facts">
        {rows.map((r) => (
          <div key={r.label} className="sso-fact">
            <dt>{r.label}</dt>
            <dd>
              <span className="mono">{r.value}</span>
              <CopyButton text={r.value} />
            </dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}
