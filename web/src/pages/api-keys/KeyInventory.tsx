import { useState } from 'react';
import type { ApiKey, ApiKeyStatus, ApiKeyType, Organization, Space, User } from '../../../../src/client/types.js';
import { ErrorAlert } from '../../components/Alert.js';
import { Expiry } from '../../components/Expiry.js';
import { Field } from '../../components/Field.js';
import { LoadMore, Table, type Column } from '../../components/Table.js';
import { api, listAll, page } from '../../lib/api.js';
import { formatDate, relativeTime, roleLabel } from '../../lib/format.js';
import { useAsync, usePaged } from '../../lib/hooks.js';
import { Link, setQuery, useLocation } from '../../lib/router.js';
import { KeyStatus } from './KeyStatus.js';
import { RevokeKeyDialog } from './RevokeKeyDialog.js';
import './api-keys.css';

interface Filters {
  keyType: ApiKeyType | undefined;
  status: ApiKeyStatus;
  userId: string | undefined;
  spaceId: string | undefined;
}

interface Names {
  users: ReadonlyMap<string, User>;
  organizations: ReadonlyMap<string, Organization>;
  spaces: ReadonlyMap<string, Space>;
}

function filtersOf(query: URLSearchParams): Filters {
  const type = query.get('type');
  return {
    keyType: type === 'user' ? 'USER' : type === 'service' ? 'SERVICE' : undefined,
    status: query.get('status') === 'revoked' ? 'REVOKED' : 'ACTIVE',
    userId: query.get('user') ?? undefined,
    spaceId: query.get('space') ?? undefined,
  };
}

function Person({ id, users }: { id: string; users: ReadonlyMap<string, User> }) {
  const user = users.get(id);
  if (!user) return <span className="muted">A deleted user</span>;
  return (
    <Link to={`/users/${encodeURIComponent(user.id)}`}>
      {user.name} <span className="muted small">({user.email})</span>
    </Link>
  );
}

/** Where a key reaches: a user key acts as its person; a service key's bot holds roles in organizations and spaces. */
function Scope({ apiKey, names }: { apiKey: ApiKey; names: Names }) {
  if (apiKey.key_type === 'USER') return <span>Everything its user may do</span>;
  const bot = apiKey.bot_user;
  if (!bot) return <span className="muted">—</span>;
  if (bot.organizations.length === 0) {
    // A revoked key's bot is retired with its memberships; a working key's bot keeps them unless its spaces were deleted.
    return <span className="muted">{apiKey.status === 'REVOKED' ? 'None any more (its bot user was removed)' : 'No space left (its spaces were deleted)'}</span>;
  }
  return (
    <ul className="key-scope">
      {bot.account_role.type === 'PREDEFINED' && bot.account_role.name === 'ADMIN' && <li>Account: Admin</li>}
      {bot.organizations.map((org) => (
        <li key={org.org_id}>
          {names.organizations.get(org.org_id)?.name ?? 'A deleted organization'} ({roleLabel(org.role)})
          {org.spaces.map((s) => (
            <div key={s.space_id} className="small">
              › {names.spaces.get(s.space_id)?.name ?? 'a deleted space'} ({roleLabel(s.role)})
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}

/**
 * Every key of the account, for account admins (`GET /v2/api-keys?all_users=true`): owner, type, scope, creator,
 * dates and status, filtered by type, status, person and space, with Revoke. The list is remounted for each filter,
 * so rows of an earlier filter never show while the next page loads.
 */
export function KeyInventory() {
  const { query } = useLocation();
  const filters = filtersOf(query);
  const names = useAsync(async (): Promise<Names> => {
    const [users, organizations, spaces] = await Promise.all([
      listAll((cursor) => page(api.users.list({ limit: 100, cursor }), 'users')),
      listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')),
      listAll((cursor) => page(api.spaces.list({ limit: 100, cursor }), 'spaces')),
    ]);
    return {
      users: new Map(users.map((u) => [u.id, u])),
      organizations: new Map(organizations.map((o) => [o.id, o])),
      spaces: new Map(spaces.map((s) => [s.id, s])),
    };
  }, []);
  const [generation, setGeneration] = useState(0);
  const users = [...(names.data?.users.values() ?? [])].sort((a, b) => a.email.localeCompare(b.email));
  const spaces = [...(names.data?.spaces.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <div className="toolbar key-filters">
        <Field label="Type" className="field-inline">
          {(p) => (
            <select {...p} value={query.get('type') ?? ''} onChange={(e) => setQuery({ type: e.target.value || undefined })}>
              <option value="">All</option>
              <option value="user">User keys</option>
              <option value="service">Service keys</option>
            </select>
          )}
        </Field>
        <Field label="Status" className="field-inline">
          {(p) => (
            <select {...p} value={filters.status === 'REVOKED' ? 'revoked' : ''} onChange={(e) => setQuery({ status: e.target.value || undefined })}>
              <option value="">Active</option>
              <option value="revoked">Revoked</option>
            </select>
          )}
        </Field>
        <Field label="Created by" className="field-inline">
          {(p) => (
            <select {...p} value={filters.userId ?? ''} onChange={(e) => setQuery({ user: e.target.value || undefined })}>
              <option value="">Anyone</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.email}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Space" className="field-inline">
          {(p) => (
            <select {...p} value={filters.spaceId ?? ''} onChange={(e) => setQuery({ space: e.target.value || undefined })}>
              <option value="">Any</option>
              {spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {names.data?.organizations.get(s.organization_id)?.name ?? ''} › {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorAlert error={names.error} />
      {names.data ? (
        <InventoryTable
          key={`${filters.keyType}/${filters.status}/${filters.userId}/${filters.spaceId}/${generation}`}
          filters={filters}
          names={names.data}
          onChanged={() => setGeneration((g) => g + 1)}
        />
      ) : (
        names.loading && <p className="muted">Loading…</p>
      )}
    </>
  );
}

function InventoryTable({ filters, names, onChanged }: { filters: Filters; names: Names; onChanged: () => void }) {
  const list = usePaged(
    (cursor) =>
      page(
        api.apiKeys.list({ all_users: true, key_type: filters.keyType, status: filters.status, user_id: filters.userId, space_id: filters.spaceId, cursor }),
        'api_keys',
      ),
    [],
  );
  const [revoking, setRevoking] = useState<ApiKey>();
  const columns: Column<ApiKey>[] = [
    {
      header: 'Key',
      cell: (k) => (
        <div>
          <div className="strong">{k.name}</div>
          <div className="muted small">{k.key_type === 'USER' ? 'User key' : 'Service key'}</div>
          <code className="mono small">{k.redacted_key}</code>
        </div>
      ),
    },
    {
      header: 'Owner',
      cell: (k) => (k.key_type === 'USER' ? <Person id={k.created_by_user_id} users={names.users} /> : <span>Bot “{k.bot_user?.name ?? k.name}”</span>),
    },
    { header: 'Scope', cell: (k) => <Scope apiKey={k} names={names} /> },
    { header: 'Created by', cell: (k) => <Person id={k.created_by_user_id} users={names.users} /> },
    {
      header: 'Dates',
      cell: (k) => (
        <dl className="key-dates small">
          <dt>Created</dt>
          <dd title={k.created_at}>{formatDate(k.created_at)}</dd>
          <dt>Expires</dt>
          <dd>
            <Expiry iso={k.expires_at} />
          </dd>
          <dt>Last used</dt>
          <dd>{k.last_used_at ? relativeTime(k.last_used_at) : 'Never'}</dd>
        </dl>
      ),
    },
    { header: 'Status', cell: (k) => <KeyStatus apiKey={k} /> },
    {
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (k) =>
        k.status === 'ACTIVE' && (
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name} (${k.redacted_key})`}>
            Revoke
          </button>
        ),
    },
  ];
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table
        caption="Every key in the account"
        columns={columns}
        rows={list.items}
        rowKey={(k) => k.id}
        loading={list.loading}
        empty={filters.status === 'ACTIVE' ? 'No active keys match.' : 'No revoked keys match.'}
      />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
      {revoking && <RevokeKeyDialog apiKey={revoking} keys={list.items} onClose={() => setRevoking(undefined)} onRevoked={onChanged} />}
    </>
  );
}
