import { useEffect, useState, type FormEvent } from 'react';
import { Alert, ErrorAlert } from '../../components/Alert.js';
import { CopyButton } from '../../components/CopyButton.js';
import { PageHeader } from '../../components/PageHeader.js';
import { SubmitButton } from '../../components/SubmitButton.js';
import { Tabs } from '../../components/Tabs.js';
import { useToast } from '../../components/Toast.js';
import { useAsync } from '../../lib/hooks.js';
import { navigate } from '../../lib/router.js';
import { useSession } from '../../lib/session.js';
import { DeleteProviderDialog } from './DeleteProviderDialog.js';
import { EvaluateBox } from './EvaluateBox.js';
import { GeneralForm } from './GeneralForm.js';
import { createBody, draftFrom, updateBody, type ProviderDraft } from './provider-draft.js';
import { RoleMappingsEditor, type Rule } from './RoleMappingsEditor.js';
import { ScimPanel } from '../provisioning/ScimPanel.js';
import { providerPath, ssoApi, useDirectory, type MappingBody, type Protocol } from './sso-api.js';

const TABS = [
  { id: 'general', label: 'General' },
  { id: 'mapping', label: 'Role mapping' },
] as const;
/** A saved provider also has its SCIM provisioning (identity.md §7.3). */
const EDIT_TABS = [...TABS, { id: 'scim', label: 'SCIM' }] as const;

const LIST = '/settings/single-sign-on';

function protocolOf(slug: string): Protocol | undefined {
  return slug === 'saml' ? 'SAML' : slug === 'oidc' ? 'OIDC' : undefined;
}

/** Create (no id) or edit one identity provider: General and Role mapping tabs, as in Arize's SAML form. */
export function ProviderPage({ protocolSlug, id }: { protocolSlug: string; id?: string }) {
  const protocol = protocolOf(protocolSlug);
  const { isAccountAdmin } = useSession();
  if (!protocol) {
    return (
      <>
        <PageHeader title="Single sign-on" crumbs={[{ label: 'Single sign-on', to: LIST }]} />
        <Alert tone="error">Unknown protocol “{protocolSlug}”: use saml or oidc.</Alert>
      </>
    );
  }
  if (!isAccountAdmin) {
    return (
      <>
        <PageHeader title="Single sign-on" />
        <Alert tone="info">Only account admins can configure single sign-on.</Alert>
      </>
    );
  }
  return id ? <EditProvider protocol={protocol} id={id} /> : <NewProvider protocol={protocol} />;
}

function NewProvider({ protocol }: { protocol: Protocol }) {
  const toast = useToast();
  const directory = useDirectory();
  const [tab, setTab] = useState<string>('general');
  const [draft, setDraft] = useState<ProviderDraft>(() => draftFrom(undefined));
  const [rules, setRules] = useState<MappingBody[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const create = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = protocol === 'SAML' ? await ssoApi.createSaml(createBody('SAML', draft, rules)) : await ssoApi.createOidc(createBody('OIDC', draft, rules));
      toast(`Created ${created.name}.`);
      navigate(providerPath(protocol, created.id), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (e.target === e.currentTarget) void create();
  };

  return (
    <>
      <PageHeader title={`New ${protocol} provider`} crumbs={[{ label: 'Single sign-on', to: LIST }]}>
        <p>
          {protocol === 'SAML'
            ? 'Connect a SAML 2.0 identity provider (Okta, Entra ID, Keycloak, Google Workspace, …) by its metadata.'
            : 'Connect an OpenID Connect provider by its issuer and a confidential client.'}{' '}
          Without default login, add at least one role mapping rule.
        </p>
      </PageHeader>
      <ErrorAlert error={directory.error} />
      {directory.data && (
        <Tabs label="Provider settings" tabs={TABS} selected={tab} onSelect={setTab}>
          {tab === 'general' ? (
            <form onSubmit={onSubmit} noValidate className="sso-general">
              <GeneralForm protocol={protocol} draft={draft} onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))} directory={directory.data} />
            </form>
          ) : (
            <RoleMappingsEditor
              rules={rules}
              directory={directory.data}
              onSave={async (rule, index) => setRules((list) => (index === undefined ? [...list, rule] : list.map((r, i) => (i === index ? rule : r))))}
              onDelete={async (index) => setRules((list) => list.filter((_, i) => i !== index))}
              onMove={async (index, to) =>
                setRules((list) => {
                  const next = [...list];
                  const [moved] = next.splice(index, 1);
                  if (moved) next.splice(to, 0, moved);
                  return next;
                })
              }
            />
          )}
        </Tabs>
      )}
      <ErrorAlert error={error} />
      <div className="button-row sso-footer">
        <button type="button" className="btn" onClick={() => navigate(LIST)} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void create()} aria-disabled={busy || undefined}>
          {busy ? 'Creating…' : 'Create provider'}
        </button>
      </div>
    </>
  );
}

function EditProvider({ protocol, id }: { protocol: Protocol; id: string }) {
  const toast = useToast();
  const directory = useDirectory();
  const loaded = useAsync(() => ssoApi.get(protocol, id), [protocol, id]);
  const [tab, setTab] = useState<string>('general');
  const [draft, setDraft] = useState<ProviderDraft>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const provider = loaded.data;

  useEffect(() => {
    if (provider) setDraft(draftFrom(provider));
  }, [provider]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (e.target !== e.currentTarget || busy || !provider || !draft) return;
    const body = updateBody(provider, draft);
    if (Object.keys(body).length === 0) {
      toast('Nothing to save.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ssoApi.update(protocol, id, body);
      toast(`Saved ${draft.name.trim()}.`);
      loaded.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const mappings = provider?.role_mappings ?? [];
  const rules: Rule[] = mappings.map((m) => ({
    id: m.id,
    attributes_map: m.attributes_map,
    is_account_admin: m.is_account_admin,
    org_role: m.org_role,
    space_roles: m.space_roles,
    project_roles: m.project_roles,
  }));
  const mappingId = (index: number) => {
    const m = mappings[index];
    if (!m) throw new Error('That rule is gone; reload the page.');
    return m.id;
  };
  const afterMappingChange = async (change: Promise<unknown>) => {
    await change;
    loaded.reload();
  };

  return (
    <>
      <PageHeader
        title={provider?.name ?? 'Identity provider'}
        crumbs={[{ label: 'Single sign-on', to: LIST }]}
        actions={
          provider && (
            <div className="button-row">
              <a className="btn" href={provider.login_url} target="_blank" rel="noopener noreferrer">
                Test login
              </a>
              <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                Delete provider
              </button>
            </div>
          )
        }
      >
        {provider && (
          <>
            <div className="sso-url">
              <span className="muted">{provider.protocol} · Login URL</span> <span className="mono">{provider.login_url}</span>
              <CopyButton text={provider.login_url} />
            </div>
            <p className="muted small">
              Test login opens the provider's sign-in in a new tab; finishing it signs this browser in as that person, so use a private
              window to stay signed in here.
            </p>
          </>
        )}
      </PageHeader>
      <ErrorAlert error={loaded.error ?? directory.error} />
      {provider && draft && directory.data && (
        <Tabs label="Provider settings" tabs={EDIT_TABS} selected={tab} onSelect={setTab}>
          {tab === 'scim' ? (
            <ScimPanel protocol={protocol} idpId={id} providerName={provider.name} />
          ) : tab === 'general' ? (
            <form onSubmit={save} noValidate className="sso-general">
              <GeneralForm protocol={protocol} draft={draft} onChange={(patch) => setDraft((d) => (d ? { ...d, ...patch } : d))} directory={directory.data} provider={provider} />
              <ErrorAlert error={error} />
              <div className="button-row sso-footer">
                <SubmitButton busy={busy} busyLabel="Saving…">
                  Save changes
                </SubmitButton>
              </div>
            </form>
          ) : (
            <>
              <RoleMappingsEditor
                rules={rules}
                directory={directory.data}
                onSave={(rule, index) =>
                  afterMappingChange(index === undefined ? ssoApi.createMapping(protocol, id, rule) : ssoApi.updateMapping(protocol, id, mappingId(index), rule))
                }
                onDelete={(index) => afterMappingChange(ssoApi.deleteMapping(protocol, id, mappingId(index)))}
                onMove={(index, to) => afterMappingChange(ssoApi.updateMapping(protocol, id, mappingId(index), { position: to + 1 }))}
              />
              <EvaluateBox protocol={protocol} idpId={id} mappings={mappings} directory={directory.data} />
            </>
          )}
        </Tabs>
      )}
      {deleting && provider && <DeleteProviderDialog provider={provider} onClose={() => setDeleting(false)} onDeleted={() => navigate(LIST)} />}
    </>
  );
}
