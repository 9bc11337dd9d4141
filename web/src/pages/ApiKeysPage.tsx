import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { accountRoleWithin, SERVICE_KEY_ACCOUNT_ROLE_KEYS } from '../../../src/domain/account-roles.js';
import { SERVICE_KEY_ROLE_KEYS } from '../../../src/domain/predefined-roles.js';
import type {
  AccountRoleName, ApiKey, ApiKeyStatus, ApiKeyType as KeyType, CreatedApiKey, Me, Organization, PredefinedRoleName, Space, User,
} from '../../../src/client/types.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { CopyButton } from '../components/CopyButton.js';
import { Dialog } from '../components/Dialog.js';
import { Field } from '../components/Field.js';
import { FormActions } from '../components/FormActions.js';
import { PageHeader } from '../components/PageHeader.js';
import { RoleSelect } from '../components/RoleSelect.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { Tabs } from '../components/Tabs.js';
import { useToast } from '../components/Toast.js';
import { Expiry } from '../components/Expiry.js';
import { ExpiryPicker, useExpiryChoice } from '../components/ExpiryPicker.js';
import { useCan, type PermissionPair } from '../lib/access.js';
import { formatDate, formatDateTime, isoToLocalInput, localInputToIso, predefinedLabel, relativeTime } from '../lib/format.js';
import { KeyInventory } from './api-keys/KeyInventory.js';
import { KeyStatus } from './api-keys/KeyStatus.js';
import { KeyUsage } from './api-keys/KeyUsage.js';
import { keyView, ownKeysPath, ownKeysQuery } from './api-keys/key-view.js';
import { RevokeKeyDialog } from './api-keys/RevokeKeyDialog.js';
import { api, ApiError, arrivedPage, listAll, page } from '../lib/api.js';
import { useAsync, usePaged } from '../lib/hooks.js';
import { setQuery, useLocation } from '../lib/router.js';
import { useSession } from '../lib/session.js';

/**
 * Grace periods a refresh offers. The API allows at most 86 400 seconds (one day), so a week is not on the list.
 * One hour is the default: long enough to roll the new secret out, short enough that a leaked old key dies soon.
 */
const GRACE_PERIODS: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: 'None: the old key stops at once' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
];
/** A new key expires after this many days unless the creator chooses otherwise. */
const DEFAULT_EXPIRY_DAYS = 90;

interface SpaceChoice {
  space: Space;
  organization: Organization | undefined;
}

type KeyOrphaning = NonNullable<ApiKey['orphaned']>;

/** A service key nobody answers for any more, as the server judged it; `creator` when that user can still be named. */
interface OrphanedKey {
  key: ApiKey;
  orphaned: KeyOrphaning;
  creator: User | undefined;
}

/** Why the key is orphaned, worded after "Orphaned —". */
const ORPHAN_REASONS: Record<KeyOrphaning['reason'], (o: KeyOrphaning) => string> = {
  CREATOR_DEACTIVATED: () => 'creator deactivated',
  CREATOR_DELETED: () => 'creator deleted',
  CREATOR_LACKS_ROLES: (o) => `creator no longer holds the key's roles${o.missing_permission ? ` (missing ${o.missing_permission})` : ''}`,
};
const orphanReason = (o: KeyOrphaning) => ORPHAN_REASONS[o.reason](o);

/**
 * The account's orphaned service keys (identity.md §5.5), as the server decides them — creator deactivated, deleted
 * or no longer holding the key's roles — with the creator's user record when it still exists. Account admins only.
 */
async function orphanedServiceKeys(): Promise<OrphanedKey[]> {
  const keys = await listAll((cursor) => page(api.apiKeys.list({ orphaned: true, limit: 100, cursor }), 'api_keys'));
  const creatorIds = [...new Set(keys.map((k) => k.created_by_user_id))];
  const creators = new Map(await Promise.all(creatorIds.map(async (id) => [id, await userIfAny(id)] as const)));
  return keys.flatMap((key) => (key.orphaned ? [{ key, orphaned: key.orphaned, creator: creators.get(key.created_by_user_id) }] : []));
}

/** A deleted creator (or a bot that minted the key) has no user record to show: undefined instead of the 404. */
async function userIfAny(id: string): Promise<User | undefined> {
  try {
    return await api.users.get(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * Settings → API Keys: the caller's own user keys and service keys and, for account admins, every key of the
 * account. Each tab's list is its own component, keyed by tab and status: switching never shows another view's rows.
 */
export function ApiKeysPage() {
  const { isAccountAdmin } = useSession();
  const { query } = useLocation();
  const { tab, status } = keyView(query, isAccountAdmin);
  const [creating, setCreating] = useState(false);
  const [generation, setGeneration] = useState(0);

  // Spaces the caller can see, and which of them allow creating service keys.
  const choices = useAsync(async (): Promise<SpaceChoice[]> => {
    const [allSpaces, allOrgs] = await Promise.all([
      listAll((cursor) => page(api.spaces.list({ limit: 100, cursor }), 'spaces')),
      listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')),
    ]);
    const orgs = new Map(allOrgs.map((o) => [o.id, o]));
    return allSpaces.map((space) => ({ space, organization: orgs.get(space.organization_id) }));
  }, []);
  const creatable = useCan(isAccountAdmin ? [] : (choices.data ?? []).map((c): PermissionPair => ['SERVICE_KEY_CREATE', c.space.id]));
  const serviceSpaces = (choices.data ?? []).filter((c) => isAccountAdmin || creatable.can('SERVICE_KEY_CREATE', c.space.id));

  return (
    <>
      <PageHeader
        title="API Keys"
        crumbs={[{ label: 'Settings', to: '/settings/api-keys' }]}
        actions={
          <>
            {tab === 'SERVICE' && (
              <button type="button" className="btn" onClick={() => setCreating(true)}>
                New Service Key
              </button>
            )}
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              + New API Key
            </button>
          </>
        }
      >
        <p>
          <strong>User keys</strong> act as you, with exactly your permissions, and stop working if your account is removed.{' '}
          <strong>Service keys</strong> belong to a bot user scoped to one space, for pipelines and services that must outlive any one person.
        </p>
      </PageHeader>
      <Tabs
        label="Key types"
        tabs={[
          { id: 'USER', label: 'User Keys' },
          { id: 'SERVICE', label: 'Service Keys' },
          ...(isAccountAdmin ? [{ id: 'ALL', label: 'All keys in the account' }] : []),
        ]}
        selected={tab}
        onSelect={(id) => setQuery({ tab: id === 'SERVICE' ? 'service' : id === 'ALL' ? 'all' : undefined, type: undefined, user: undefined, space: undefined })}
      >
        {tab === 'ALL' ? (
          <KeyInventory />
        ) : (
          <>
            <div className="toolbar">
              <div className="field field-inline">
                <label htmlFor="key-status">Status</label>
                <select
                  id="key-status"
                  value={status}
                  onChange={(e) => setQuery({ status: e.target.value === 'REVOKED' ? 'revoked' : undefined })}
                >
                  <option value="ACTIVE">Active</option>
                  <option value="REVOKED">Revoked</option>
                </select>
              </div>
            </div>
            <OwnKeys key={`${tab}/${status}/${generation}`} keyType={tab} status={status} />
          </>
        )}
      </Tabs>

      {creating && (
        <NewKeyDialog
          initialType={tab === 'ALL' ? 'USER' : tab}
          spaces={serviceSpaces}
          spacesLoading={choices.loading || (!isAccountAdmin && !creatable.ready)}
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            if (k.key_type !== tab) setQuery({ tab: k.key_type === 'SERVICE' ? 'service' : undefined, status: undefined });
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </>
  );
}
/**
 * The caller's own keys of one type and status, with (account admins, active service keys) the account's orphaned
 * service keys above them. Mounted afresh for each tab, status and reload: it starts empty and loading.
 */
function OwnKeys({ keyType, status }: { keyType: KeyType; status: ApiKeyStatus }) {
  const { isAccountAdmin, me } = useSession();
  // A refresh gives a USER key a new secret: the server refuses it (403) to whoever may not create one.
  const mayRefresh = (k: ApiKey) => k.key_type !== 'USER' || mayHoldUserKeys(me);
  const list = usePaged(
    (cursor) => page(api.apiKeys.list({ ...ownKeysQuery(keyType, status), cursor }), 'api_keys'),
    [],
    arrivedPage<'api_keys', ApiKey>(ownKeysPath(keyType, status), 'api_keys'),
  );
  const showOrphans = isAccountAdmin && keyType === 'SERVICE' && status === 'ACTIVE';
  const orphans = useAsync(() => (showOrphans ? orphanedServiceKeys() : Promise.resolve([])), []);
  const [refreshing, setRefreshing] = useState<ApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [transferring, setTransferring] = useState<OrphanedKey>();
  const reload = () => {
    list.reload();
    orphans.reload();
  };

  const columns: Column<ApiKey>[] = [
    {
      header: 'Name',
      cell: (k) => (
        <div>
          <div className="strong">{k.name}</div>
          {k.description && <div className="muted small">{k.description}</div>}
        </div>
      ),
    },
    { header: 'Key', cell: (k) => <code className="mono">{k.redacted_key}</code> },
    { header: 'Created', cell: (k) => <span title={k.created_at}>{formatDate(k.created_at)}</span> },
    { header: 'Expires', cell: (k) => <Expiry iso={k.expires_at} /> },
    { header: 'Last used', cell: (k) => (k.last_used_at ? relativeTime(k.last_used_at) : 'Never') },
    { header: 'Status', cell: (k) => <KeyStatus apiKey={k} /> },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (k) =>
        k.status === 'ACTIVE' && (
          <div className="button-row">
            {!k.replaced_by_api_key_id && mayRefresh(k) && (
              <button type="button" className="btn btn-small" onClick={() => setRefreshing(k)} aria-label={`Refresh ${k.name}`}>
                Refresh
              </button>
            )}
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
              Revoke
            </button>
          </div>
        ),
    },
  ];

  const orphanColumns: Column<OrphanedKey>[] = [
    { header: 'Name', cell: ({ key }) => <div className="strong">{key.name}</div> },
    { header: 'Key', cell: ({ key }) => <code className="mono">{key.redacted_key}</code> },
    {
      header: 'Created by',
      cell: ({ creator, orphaned }) => (
        <div>
          <div className={creator ? undefined : 'muted'}>{creator?.email ?? (orphaned.reason === 'CREATOR_DELETED' ? 'A deleted user' : '—')}</div>
          <span className="badge badge-amber">Orphaned</span> <span className="small">— {orphanReason(orphaned)}</span>
        </div>
      ),
    },
    { header: 'Last used', cell: ({ key }) => (key.last_used_at ? relativeTime(key.last_used_at) : 'Never') },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (o) => (
        <div className="button-row">
          <button type="button" className="btn btn-small" onClick={() => setTransferring(o)} aria-label={`Transfer ${o.key.name}`}>
            Transfer
          </button>
          {!o.key.replaced_by_api_key_id && (
            <button type="button" className="btn btn-small" onClick={() => setRefreshing(o.key)} aria-label={`Refresh ${o.key.name}`}>
              Refresh
            </button>
          )}
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(o.key)} aria-label={`Revoke ${o.key.name}`}>
            Revoke
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      {showOrphans && (orphans.error !== undefined || (orphans.data?.length ?? 0) > 0) && (
        <section className="section" aria-labelledby="orphaned-keys">
          <h2 id="orphaned-keys">Orphaned service keys</h2>
          <p className="muted">
            Their creator is deactivated, deleted, or no longer holds the key&apos;s roles. They keep working; give each a new owner, or refresh or
            revoke it if the person may still hold the secret.
          </p>
          <ErrorAlert error={orphans.error} />
          <Table caption="Orphaned service keys" columns={orphanColumns} rows={orphans.data ?? []} rowKey={(o) => o.key.id} loading={orphans.loading} />
        </section>
      )}
      <ErrorAlert error={list.error} />
      <Table
        caption={keyType === 'USER' ? 'User keys' : 'Service keys'}
        columns={columns}
        rows={list.items}
        rowKey={(k) => k.id}
        loading={list.loading}
        empty={status === 'ACTIVE' ? `You have no active ${keyType === 'USER' ? 'user' : 'service'} keys.` : 'No revoked keys.'}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
      {refreshing && <RefreshDialog apiKey={refreshing} onClose={() => setRefreshing(undefined)} onRefreshed={reload} />}
      {revoking && (
        <RevokeKeyDialog
          apiKey={revoking}
          keys={[...list.items, ...(orphans.data ?? []).map((o) => o.key)]}
          onClose={() => setRevoking(undefined)}
          onRevoked={reload}
        />
      )}
      {transferring && <TransferDialog orphan={transferring} onClose={() => setTransferring(undefined)} onTransferred={reload} />}
    </>
  );
}

/** Gives a service key a new owner: an ACTIVE user who holds every permission of the key's roles (the server checks). */
function TransferDialog({ orphan, onClose, onTransferred }: { orphan: OrphanedKey; onClose: () => void; onTransferred: () => void }) {
  const toast = useToast();
  const users = useAsync(() => listAll((cursor) => page(api.users.list({ status: ['ACTIVE'], limit: 100, cursor }), 'users')), []);
  const [owner, setOwner] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = users.data?.find((u) => u.id === owner);
    if (!chosen) {
      setError(new Error('Choose the new owner.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.apiKeys.transfer(orphan.key.id, { created_by_user_id: chosen.id });
      toast(`Transferred “${orphan.key.name}” to ${chosen.email}.`);
      onTransferred();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Transfer service key"
      onClose={onClose}
      dismissible={!busy}
      description={
        <>
          <strong>{orphan.key.name}</strong> is orphaned: {orphanReason(orphan.orphaned)}
          {orphan.creator ? ` (${orphan.creator.email})` : ''}. The new owner controls it from now on; the key and its secret stay the same.
        </>
      }
    >
      <form onSubmit={submit} className="form">
        <Field label="New owner" hint="An active user who holds every permission of the key's roles.">
          {(p) => (
            <select {...p} required value={owner} onChange={(e) => setOwner(e.target.value)} disabled={users.loading}>
              <option value="" disabled>
                {users.loading ? 'Loading users…' : 'Choose a user'}
              </option>
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorAlert error={users.error ?? error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Transferring…" submitDisabled={!owner}>
          Transfer key
        </FormActions>
      </form>
    </Dialog>
  );
}

/** A service key's space roles as Arize's key dialog names them: Admin, Member or Read-Only Member. */
function serviceKeySpaceRoleLabel(name: PredefinedRoleName): string {
  return name === 'READ_ONLY' ? 'Read-Only Member' : predefinedLabel(name);
}

/** The granted roles a service key's bot may hold (the server refuses ANNOTATOR for a service key). */
function serviceKeyRoles(granted: readonly PredefinedRoleName[] | undefined): PredefinedRoleName[] {
  return SERVICE_KEY_ROLE_KEYS.filter((role) => granted?.includes(role));
}

/**
 * Whether the signed-in person may be given a USER key's secret, new or refreshed, as the server decides it: the
 * ANNOTATOR account role grants nothing beyond its memberships, and a user who is not a developer (is_developer
 * false) gets none either (403 both).
 */
function mayHoldUserKeys(me: Me): boolean {
  return !(me.role.type === 'PREDEFINED' && me.role.name === 'ANNOTATOR') && me.is_developer;
}

interface NewKeyDialogProps {
  initialType: KeyType;
  spaces: SpaceChoice[];
  spacesLoading: boolean;
  onClose: () => void;
  onCreated: (key: CreatedApiKey) => void;
}

function NewKeyDialog({ initialType, spaces: choices, spacesLoading, onClose, onCreated }: NewKeyDialogProps) {
  const { isAccountAdmin, me } = useSession();
  const ids = useId();
  const myAccountRole = me.role.type === 'PREDEFINED' ? me.role.name : undefined;
  const canUser = mayHoldUserKeys(me);
  // A service key's bot gets an account role no higher than its creator's and never ANNOTATOR: an account ANNOTATOR
  // has none to give it, whatever its space roles (the server answers 403).
  const botAccountRole = myAccountRole !== undefined && SERVICE_KEY_ACCOUNT_ROLE_KEYS.some((role) => accountRoleWithin(role, myAccountRole));
  const canService = choices.length > 0 && botAccountRole;
  const [keyType, setKeyType] = useState<KeyType>(canUser ? initialType : 'SERVICE');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const expiry = useExpiryChoice(String(DEFAULT_EXPIRY_DAYS));
  const [spaceId, setSpaceId] = useState('');
  const [spaceRole, setSpaceRole] = useState<PredefinedRoleName>();
  const [advanced, setAdvanced] = useState(false);
  const [orgRole, setOrgRole] = useState<PredefinedRoleName>('READ_ONLY');
  const [accountRole, setAccountRole] = useState<AccountRoleName>('MEMBER');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<CreatedApiKey>();

  const service = keyType === 'SERVICE' && canService;
  const choice = choices.find((c) => c.space.id === spaceId);
  const orgId = choice?.space.organization_id;
  // The privilege ceiling is the server's answer (GET /v2/access/grantable-roles), narrowed to the roles a service
  // key may hold; whether service keys may be created in the space at all is a permission check.
  const checks = useCan(service && !isAccountAdmin ? [['SERVICE_KEY_CREATE', spaceId || undefined]] : []);
  const onSpace = useAsync(() => (service && spaceId ? api.access.grantableRoles(spaceId) : Promise.resolve(undefined)), [service, spaceId]);
  const onOrg = useAsync(() => (service && orgId ? api.access.grantableRoles(orgId) : Promise.resolve(undefined)), [service, orgId]);
  const mayCreateHere = isAccountAdmin || checks.can('SERVICE_KEY_CREATE', spaceId);
  const spaceRoles = spaceId && mayCreateHere ? serviceKeyRoles(onSpace.data?.roles) : [];
  const orgRoles = orgId ? serviceKeyRoles(onOrg.data?.roles) : [];
  const accountRoles: AccountRoleName[] = onSpace.data?.account_roles ?? ['MEMBER'];
  const rolesLoading = service && !!spaceId && (onSpace.loading || (!isAccountAdmin && !checks.ready));

  // Default to the least privilege that is still useful: Member when allowed, else what is offered.
  const spaceRoleKey = spaceRoles.join();
  useEffect(() => {
    if (spaceRole && spaceRoles.includes(spaceRole)) return;
    setSpaceRole(spaceRoles.includes('MEMBER') ? 'MEMBER' : spaceRoles[0]);
  }, [spaceRoleKey]);
  const orgRoleKey = orgRoles.join();
  useEffect(() => {
    if (orgRoles.length > 0 && !orgRoles.includes(orgRole)) setOrgRole(orgRoles.includes('READ_ONLY') ? 'READ_ONLY' : (orgRoles[0] as PredefinedRoleName));
  }, [orgRoleKey]);
  useEffect(() => {
    if (!spaceId && choices.length === 1 && choices[0]) setSpaceId(choices[0].space.id);
  }, [choices, spaceId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expires_at = expiry.iso();
    if (expiry.incomplete()) {
      setError(new Error('Choose an expiry date and time.'));
      return;
    }
    if (service && (!choice || !spaceRole)) {
      setError(new Error('Choose a space and a space role for the service key.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const common = { name: name.trim(), description: description.trim() || undefined, expires_at };
      const key =
        service && choice && spaceRole
          ? await api.apiKeys.create({
              key_type: 'SERVICE',
              ...common,
              account_role: { type: 'PREDEFINED', name: accountRole },
              organizations: [
                {
                  org_id: choice.space.organization_id,
                  role: { type: 'PREDEFINED', name: orgRole },
                  spaces: [{ space_id: choice.space.id, role: { type: 'PREDEFINED', name: spaceRole } }],
                },
              ],
            })
          : await api.apiKeys.create({ key_type: 'USER', ...common });
      setCreated(key);
      onCreated(key);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog title="API key created" onClose={onClose} dismissible size="lg">
        <CreatedKey apiKey={created} onDone={onClose} />
      </Dialog>
    );
  }

  const byOrg = new Map<string, SpaceChoice[]>();
  for (const c of choices) {
    const label = c.organization?.name ?? 'Other';
    byOrg.set(label, [...(byOrg.get(label) ?? []), c]);
  }

  return (
    <Dialog title="New API key" onClose={onClose} dismissible={!busy} size="md">
      <form onSubmit={submit} className="form">
        <fieldset className="radio-cards">
          <legend>Key type</legend>
          <label className={keyType === 'USER' ? 'radio-card selected' : canUser ? 'radio-card' : 'radio-card disabled'}>
            <input
              type="radio"
              name={`${ids}-type`}
              value="USER"
              checked={keyType === 'USER'}
              onChange={() => setKeyType('USER')}
              disabled={!canUser}
              aria-describedby={!canUser ? `${ids}-nouser` : undefined}
            />
            <span>
              <span className="strong">User Key</span>
              <span className="muted small">Acts as you, with all your permissions.</span>
            </span>
          </label>
          <label className={keyType === 'SERVICE' ? 'radio-card selected' : canService ? 'radio-card' : 'radio-card disabled'}>
            <input
              type="radio"
              name={`${ids}-type`}
              value="SERVICE"
              checked={keyType === 'SERVICE'}
              onChange={() => setKeyType('SERVICE')}
              disabled={!canService}
              aria-describedby={!canService ? `${ids}-noservice` : undefined}
            />
            <span>
              <span className="strong">Service Key</span>
              <span className="muted small">A bot user scoped to one space.</span>
            </span>
          </label>
        </fieldset>
        {!canUser && (
          <p className="hint" id={`${ids}-nouser`} role="status">
            {myAccountRole === 'ANNOTATOR'
              ? 'Your account role, Annotator, does not include user keys; an account admin can make you a Member.'
              : 'You are not a developer, so you cannot create user keys; an account admin can mark you as one (Developer, on your user).'}
          </p>
        )}
        {keyType === 'SERVICE' && !canService && (
          <p className="hint" id={`${ids}-noservice`} role="status">
            {!botAccountRole
              ? 'A service key’s bot needs the Member account role, and no key gets more than its creator: yours, Annotator, gives none. An account admin can make you a Member.'
              : spacesLoading
                ? 'Checking where you may create service keys…'
                : 'You need the Admin or Member role in a space to create service keys there.'}
          </p>
        )}

        <Field label="Key name">
          {(p) => <input {...p} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Production data pipeline" />}
        </Field>
        <Field label="Description (optional)">
          {(p) => <textarea {...p} rows={2} maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <ExpiryPicker
          expiry={expiry}
          days={[30, DEFAULT_EXPIRY_DAYS, 365]}
          neverWarning="A key that never expires works until someone revokes it, also if it leaks. Prefer an expiry and refresh the key before it."
        />

        {service && (
          <div className="subform">
            <div className="field-row">
              <Field label="Space">
                {(p) => (
                  <select {...p} required value={spaceId} onChange={(e) => setSpaceId(e.target.value)}>
                    <option value="" disabled>
                      Choose a space
                    </option>
                    {[...byOrg.entries()].map(([org, list]) => (
                      <optgroup key={org} label={org}>
                        {list.map((c) => (
                          <option key={c.space.id} value={c.space.id}>
                            {c.space.name}
                          </option>
                        ))}
                      </optgroup>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Space role" hint={rolesLoading ? 'Checking your access to this space…' : 'Offers only roles up to your own in this space.'}>
                {(p) => (
                  <RoleSelect
                    id={p.id}
                    describedBy={p['aria-describedby']}
                    value={spaceRole ? { type: 'PREDEFINED', name: spaceRole } : undefined}
                    onChange={(r) => r.type === 'PREDEFINED' && setSpaceRole(r.name)}
                    predefined={spaceRoles}
                    label={serviceKeySpaceRoleLabel}
                    disabled={!spaceId || spaceRoles.length === 0}
                    required
                  />
                )}
              </Field>
            </div>
            {spaceId && !rolesLoading && spaceRoles.length === 0 && (
              <Alert tone="warning">You cannot create service keys in this space: it needs the Admin or Member role there.</Alert>
            )}
            <button
              type="button"
              className="disclosure"
              aria-expanded={advanced}
              aria-controls={`${ids}-advanced`}
              onClick={() => setAdvanced((a) => !a)}
            >
              Advanced
            </button>
            <div id={`${ids}-advanced`} hidden={!advanced} className="field-row">
              <Field label="Org role" hint={choice?.organization ? `In ${choice.organization.name}.` : undefined}>
                {(p) => (
                  <RoleSelect
                    id={p.id}
                    describedBy={p['aria-describedby']}
                    value={{ type: 'PREDEFINED', name: orgRole }}
                    onChange={(r) => r.type === 'PREDEFINED' && setOrgRole(r.name)}
                    predefined={orgRoles.length > 0 ? orgRoles : ['READ_ONLY']}
                    disabled={!spaceId}
                  />
                )}
              </Field>
              <Field label="Account role">
                {(p) => (
                  <select {...p} value={accountRole} onChange={(e) => setAccountRole(e.target.value as AccountRoleName)}>
                    {accountRoles.map((r) => (
                      <option key={r} value={r}>
                        {predefinedLabel(r)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          </div>
        )}

        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Creating…" submitDisabled={keyType === 'USER' ? !canUser : !canService || !spaceRole}>
          Create Key
        </FormActions>
      </form>
    </Dialog>
  );
}

/** The raw key, shown once: it lives only in this component's props and is gone when the dialog closes. */
function CreatedKey({ apiKey, onDone }: { apiKey: CreatedApiKey; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [apiKey.key]);
  return (
    <div className="form">
      <Alert tone="warning" title="Copy this key now">
        For security it will not be shown again. Store it somewhere safe, like a password manager or your secret store.
      </Alert>
      <div className="field">
        <label htmlFor="created-key">{apiKey.key_type === 'SERVICE' ? 'Service key' : 'User key'} “{apiKey.name}”</label>
        <div className="input-with-button">
          <input ref={input} id="created-key" className="mono" readOnly value={apiKey.key} spellCheck={false} onFocus={(e) => e.target.select()} />
          <CopyButton text={apiKey.key} />
        </div>
      </div>
      {apiKey.expires_at ? <p className="muted">Expires {formatDateTime(apiKey.expires_at)}.</p> : <p className="muted">Never expires.</p>}
      <KeyUsage apiKey={apiKey} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function RefreshDialog({ apiKey, onClose, onRefreshed }: { apiKey: ApiKey; onClose: () => void; onRefreshed: () => void }) {
  const toast = useToast();
  const [graceSeconds, setGraceSeconds] = useState(3600);
  const [expiresAt, setExpiresAt] = useState(apiKey.expires_at ? isoToLocalInput(apiKey.expires_at) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<CreatedApiKey>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const expires_at = localInputToIso(expiresAt);
    if (apiKey.expires_at && !expires_at) {
      setError(new Error('This key has an expiry: choose one for the new key (no later than the current one).'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const key = await api.apiKeys.refresh(apiKey.id, { grace_period_seconds: graceSeconds, expires_at });
      setCreated(key);
      onRefreshed();
      toast(graceSeconds === 0 ? `Refreshed “${apiKey.name}”; the old key is revoked.` : `Refreshed “${apiKey.name}”.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Dialog title="API key refreshed" onClose={onClose} size="lg">
        <CreatedKey apiKey={created} onDone={onClose} />
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Refresh API key"
      onClose={onClose}
      dismissible={!busy}
      description={
        <>
          Issues a new secret for <strong>{apiKey.name}</strong> with the same name, type and scope. The old key keeps working for the grace
          period, then stops.
        </>
      }
    >
      <form onSubmit={submit} className="form">
        <Field
          label="Old key keeps working for"
          hint={
            graceSeconds === 0
              ? 'Clients still using the old key are refused at once.'
              : `Time to roll the new key out; then the old key stops${apiKey.expires_at ? ', or at its own expiry if that is sooner' : ''}.`
          }
        >
          {(p) => (
            <select {...p} value={String(graceSeconds)} onChange={(e) => setGraceSeconds(Number(e.target.value))}>
              {GRACE_PERIODS.map((g) => (
                <option key={g.seconds} value={String(g.seconds)}>
                  {g.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={apiKey.expires_at ? 'New key expires at' : 'New key expires at (optional)'}
          hint={apiKey.expires_at ? `No later than the current expiry, ${formatDateTime(apiKey.expires_at)}.` : 'Leave empty for a key that does not expire.'}
        >
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              required={!!apiKey.expires_at}
              max={apiKey.expires_at ? isoToLocalInput(apiKey.expires_at) : undefined}
              value={expiresAt}
              onChange={(e) => setExpiresAt(e.target.value)}
            />
          )}
        </Field>
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} busyLabel="Refreshing…">
          Refresh key
        </FormActions>
      </form>
    </Dialog>
  );
}
