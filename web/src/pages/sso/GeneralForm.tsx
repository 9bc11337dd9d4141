import { useId, type ChangeEvent, type ReactNode } from 'react';
import { Alert } from '../../components/Alert.js';
import { Field } from '../../components/Field.js';
import { NamedOptions } from '../../components/NamedOptions.js';
import { formatDateTime } from '../../lib/format.js';
import { DomainBadges } from './DomainBadges.js';
import type { ProviderDraft } from './provider-draft.js';
import type { Directory, Protocol, Provider } from './sso-api.js';

interface GeneralFormProps {
  protocol: Protocol;
  draft: ProviderDraft;
  onChange: (patch: Partial<ProviderDraft>) => void;
  directory: Directory;
  /** The saved provider (edit), for its read-only facts. */
  provider?: Provider;
}

function Toggle({ checked, onChange, label, hint, children }: { checked: boolean; onChange: (v: boolean) => void; label: string; hint?: ReactNode; children?: ReactNode }) {
  const hintId = useId();
  return (
    <div>
      <label className="checkbox-row">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? hintId : undefined} />
        <span>
          <span className="strong">{label}</span>
          {hint && (
            <span className="muted small" id={hintId}>
              {hint}
            </span>
          )}
        </span>
      </label>
      {children}
    </div>
  );
}

/** The General tab: name, domains, the protocol's connection, the login switches and the default login. */
export function GeneralForm({ protocol, draft, onChange, directory, provider }: GeneralFormProps) {
  const ids = useId();
  const predefined = directory.roles.filter((r) => r.is_predefined);
  const spacesOfOrg = directory.spaces.filter((s) => s.organization_id === draft.default_org_id);

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) onChange({ metadata_xml: await file.text(), metadata_source: 'xml' });
  };

  return (
    <div className="form">
      <div className="field-row">
        <Field label="Name">{(p) => <input {...p} required maxLength={255} value={draft.name} onChange={(e) => onChange({ name: e.target.value })} />}</Field>
        <Field label="Email domains" hint="Comma-separated, e.g. example.com, example.org. People with these domains sign in here.">
          {(p) => <input {...p} required value={draft.domains} onChange={(e) => onChange({ domains: e.target.value })} />}
        </Field>
      </div>
      {provider && provider.email_domains.length > 0 && (
        <div className="sso-domain-state">
          <DomainBadges domains={provider.email_domains} />
          {provider.email_domains.some((d) => !d.validated) && (
            <p className="hint">
              An unvalidated domain does not route the sign-in page to this provider, and cannot link people who already have an account;
              give its users the login URL. The operator validates domains (AX_SSO_VALIDATED_DOMAINS).
            </p>
          )}
        </div>
      )}

      {protocol === 'SAML' ? (
        <fieldset className="plain-fieldset">
          <legend>Identity provider metadata</legend>
          <div className="radio-list" role="radiogroup" aria-label="Metadata source">
            <label className="radio-row">
              <input type="radio" name={`${ids}-source`} checked={draft.metadata_source === 'url'} onChange={() => onChange({ metadata_source: 'url' })} />
              <span>Metadata URL (fetched by the server, refreshed hourly)</span>
            </label>
            <label className="radio-row">
              <input type="radio" name={`${ids}-source`} checked={draft.metadata_source === 'xml'} onChange={() => onChange({ metadata_source: 'xml' })} />
              <span>Metadata XML (pasted or uploaded)</span>
            </label>
          </div>
          {draft.metadata_source === 'url' ? (
            <Field label="Metadata URL">
              {(p) => <input {...p} type="url" required placeholder="https://idp.example.com/metadata" value={draft.metadata_url} onChange={(e) => onChange({ metadata_url: e.target.value })} />}
            </Field>
          ) : (
            <>
              <Field label="Metadata XML">
                {(p) => <textarea {...p} required rows={6} className="mono" value={draft.metadata_xml} onChange={(e) => onChange({ metadata_xml: e.target.value })} />}
              </Field>
              <Field label="Upload metadata file">{(p) => <input {...p} type="file" accept=".xml,application/xml,text/xml" onChange={(e) => void readFile(e)} />}</Field>
            </>
          )}
          {provider?.protocol === 'SAML' && provider.idp_entity_id && (
            <dl className="sso-facts">
              <div className="sso-fact">
                <dt>IdP entity ID</dt>
                <dd className="mono">{provider.idp_entity_id}</dd>
              </div>
              <div className="sso-fact">
                <dt>IdP sign-on URL</dt>
                <dd className="mono">{provider.idp_sso_url ?? '—'}</dd>
              </div>
              {provider.idp_certificates.map((c) => (
                <div className="sso-fact" key={c.sha256_fingerprint}>
                  <dt>Signing certificate</dt>
                  <dd>
                    <span className="mono">{c.sha256_fingerprint}</span> <span className="muted small">valid until {formatDateTime(c.not_after ?? undefined)}</span>
                  </dd>
                </div>
              ))}
              <div className="sso-fact">
                <dt>Metadata read</dt>
                <dd>{formatDateTime(provider.metadata_fetched_at ?? undefined)}</dd>
              </div>
            </dl>
          )}
        </fieldset>
      ) : (
        <fieldset className="plain-fieldset">
          <legend>OpenID Provider</legend>
          <Field label="Issuer" hint="Discovery is read from {issuer}/.well-known/openid-configuration.">
            {(p) => <input {...p} type="url" required value={draft.issuer} onChange={(e) => onChange({ issuer: e.target.value })} />}
          </Field>
          <div className="field-row">
            <Field label="Client ID">{(p) => <input {...p} required value={draft.client_id} onChange={(e) => onChange({ client_id: e.target.value })} />}</Field>
            <Field
              label="Client secret"
              hint={
                provider?.protocol === 'OIDC' && provider.redacted_client_secret
                  ? `Stored (${provider.redacted_client_secret}); it is never shown. Type a new one to replace it.`
                  : 'Write-only: it is never shown again.'
              }
            >
              {(p) => <input {...p} type="password" autoComplete="new-password" value={draft.client_secret} onChange={(e) => onChange({ client_secret: e.target.value })} />}
            </Field>
          </div>
          <Field label="Scopes" hint="Space-separated; must include openid.">
            {(p) => <input {...p} value={draft.scopes} onChange={(e) => onChange({ scopes: e.target.value })} />}
          </Field>
          <div className="field-row">
            <Field label="Email claim path">{(p) => <input {...p} className="mono" value={draft.email_claim_path} onChange={(e) => onChange({ email_claim_path: e.target.value })} />}</Field>
            <Field label="Name claim path">{(p) => <input {...p} className="mono" value={draft.name_claim_path} onChange={(e) => onChange({ name_claim_path: e.target.value })} />}</Field>
            <Field label="Groups claim path" hint="JMESPath, e.g. groups or realm_access.roles; empty for none.">
              {(p) => <input {...p} className="mono" value={draft.groups_claim_path} onChange={(e) => onChange({ groups_claim_path: e.target.value })} />}
            </Field>
          </div>
          <Toggle checked={draft.use_userinfo} onChange={(v) => onChange({ use_userinfo: v })} label="Read userinfo" hint="When a claim path finds nothing in the ID token, look in the userinfo answer." />
        </fieldset>
      )}

      <fieldset className="plain-fieldset">
        <legend>Sign-in</legend>
        <Toggle checked={draft.enabled} onChange={(v) => onChange({ enabled: v })} label="Enabled" hint="A disabled provider routes nobody and refuses its answers." />
        <Toggle
          checked={draft.allow_only_sso_logins}
          onChange={(v) => onChange({ allow_only_sso_logins: v })}
          label={protocol === 'SAML' ? 'Allow only SAML logins' : 'Allow only SSO logins'}
          hint="People of these domains cannot sign in with a password. Needs a rule that makes someone account admin; people outside the domains (the break-glass admin) keep their password."
        />
        <Toggle
          checked={draft.sync_user_roles}
          onChange={(v) => onChange({ sync_user_roles: v })}
          label="Sync permissions on each login"
          hint="Every sign-in makes the grants this provider gave match the rules again; grants admins made by hand are never touched."
        />
        {protocol === 'SAML' && (
          <>
            <Toggle checked={draft.sign_authn} onChange={(v) => onChange({ sign_authn: v })} label="Sign AuthnRequests" hint="Sign requests with this server's key (RSA-SHA256); turn on when the IdP requires signed requests." />
            <Toggle checked={draft.allow_idp_initiated} onChange={(v) => onChange({ allow_idp_initiated: v })} label="Allow IdP-initiated login" hint="Lets people start from the identity provider's app dashboard.">
              {draft.allow_idp_initiated && (
                <Alert tone="warning" title="Login CSRF">
                  An IdP-initiated sign-in cannot be tied to the browser that receives it: someone could sign a person in to the
                  attacker's own account without them noticing. Turn it on only when your users start from the IdP's dashboard.
                </Alert>
              )}
            </Toggle>
          </>
        )}
      </fieldset>

      <fieldset className="plain-fieldset">
        <legend>Default login</legend>
        <Toggle
          checked={draft.allow_default_login}
          onChange={(v) => onChange({ allow_default_login: v })}
          label="Allow login to a default organization and space"
          hint="When no rule matches, people get these roles instead of being refused."
        />
        {draft.allow_default_login && (
          <div className="subform">
            <div className="field-row">
              <Field label="Default organization">
                {(p) => (
                  <select {...p} required value={draft.default_org_id} onChange={(e) => onChange({ default_org_id: e.target.value, default_space_id: '' })}>
                    <option value="">Choose an organization</option>
                    <NamedOptions items={directory.organizations} />
                  </select>
                )}
              </Field>
              <Field label="Default organization role">
                {(p) => (
                  <select {...p} required value={draft.default_org_role_id} onChange={(e) => onChange({ default_org_role_id: e.target.value })}>
                    <option value="">Choose a role</option>
                    <NamedOptions items={predefined} />
                  </select>
                )}
              </Field>
            </div>
            <div className="field-row">
              <Field label="Default space">
                {(p) => (
                  <select {...p} required value={draft.default_space_id} disabled={!draft.default_org_id} onChange={(e) => onChange({ default_space_id: e.target.value })}>
                    <option value="">Choose a space</option>
                    <NamedOptions items={spacesOfOrg} />
                  </select>
                )}
              </Field>
              <Field label="Default space role">
                {(p) => (
                  <select {...p} required value={draft.default_space_role_id} onChange={(e) => onChange({ default_space_role_id: e.target.value })}>
                    <option value="">Choose a role</option>
                    <optgroup label="Built-in roles">
                      <NamedOptions items={predefined} />
                    </optgroup>
                    <optgroup label="Custom roles">
                      <NamedOptions items={directory.roles.filter((r) => !r.is_predefined)} />
                    </optgroup>
                  </select>
                )}
              </Field>
            </div>
          </div>
        )}
      </fieldset>
    </div>
  );
}
