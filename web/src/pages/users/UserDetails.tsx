import type { User } from '../../../../src/client/types.js';
import { ErrorAlert } from '../../components/Alert.js';
import { Expiry } from '../../components/Expiry.js';
import { Section } from '../../components/PageHeader.js';
import { Table } from '../../components/Table.js';
import { developerNote, formatDate, formatDateTime, relativeTime, roleLabel } from '../../lib/format.js';
import { useAsync } from '../../lib/hooks.js';
import { useAllRoles } from '../../lib/queries.js';
import { Link, pathTo } from '../../lib/router.js';
import { userOverview, type UserBinding, type UserGrant } from '../../lib/user-access.js';
import { KeyStatus } from '../api-keys/KeyStatus.js';

/** A user's account facts as a short definition list. */
export function UserFacts({ user }: { user: User }) {
  return (
    <dl className="user-facts">
      <dt>Name</dt>
      <dd>{user.name}</dd>
      <dt>Email</dt>
      <dd>{user.email}</dd>
      <dt>Account role</dt>
      <dd>{roleLabel(user.role)}</dd>
      <dt>Developer</dt>
      <dd>{user.is_developer ? `Yes (${developerNote(user.role.type === 'PREDEFINED' ? user.role.name : undefined)})` : 'No'}</dd>
      <dt>Status</dt>
      <dd>{user.deactivated_at ? `Deactivated ${formatDate(user.deactivated_at)}` : user.status === 'ACTIVE' ? 'Active' : user.status === 'INVITED' ? 'Invited' : 'Expired'}</dd>
      <dt>Created</dt>
      <dd>{formatDate(user.created_at)}</dd>
    </dl>
  );
}

/** Memberships, role bindings, keys and recent activity of one user (the user page and the profile). */
export function UserAccessSections({ userId, self, withActivity }: { userId: string; self: boolean; withActivity: boolean }) {
  const overview = useAsync(() => userOverview(userId, withActivity), [userId, withActivity]);
  const roles = useAllRoles();
  const roleNames = new Map((roles.data ?? []).map((r) => [r.id, r.name]));
  const data = overview.data;
  const loading = overview.loading;
  const they = self ? 'You' : 'They';
  return (
    <>
      <ErrorAlert error={overview.error} />
      <Section title="Memberships" description={`Organizations and spaces ${self ? 'you belong' : 'this user belongs'} to, with the role held in each.`}>
        <Table<UserGrant>
          caption="Memberships"
          columns={[
            {
              header: 'Where',
              cell: (g) =>
                g.kind === 'ORGANIZATION' ? (
                  <Link to={pathTo('organizations', g.organization?.id ?? '')}>{g.organization?.name}</Link>
                ) : (
                  <span>
                    <Link to={pathTo('spaces', g.space?.id ?? '')}>{g.space?.name}</Link>{' '}
                    <span className="muted small">in {g.organization?.name ?? 'an organization'}</span>
                  </span>
                ),
            },
            { header: 'Kind', cell: (g) => (g.kind === 'ORGANIZATION' ? 'Organization' : 'Space') },
            { header: 'Role', cell: (g) => roleLabel(g.role, roleNames) },
          ]}
          rows={data?.memberships ?? []}
          rowKey={(g) => `${g.kind}:${g.space?.id ?? g.organization?.id ?? ''}`}
          loading={loading}
          empty={`${they} belong to no organization or space.`}
        />
      </Section>
      <Section title="Role bindings" description="Roles given on one space or project on top of the memberships.">
        <Table<UserBinding>
          caption="Role bindings"
          columns={[
            { header: 'On', cell: (b) => <Link to={b.to}>{b.label}</Link> },
            { header: 'Role', cell: (b) => roleNames.get(b.binding.role_id) ?? 'A role you cannot see' },
            { header: 'Since', cell: (b) => formatDate(b.binding.created_at) },
          ]}
          rows={data?.bindings ?? []}
          rowKey={(b) => b.binding.id}
          loading={loading}
          empty="No role bindings."
        />
      </Section>
      <Section title="API keys" description={`Active keys ${self ? 'you' : 'this user'} created: user keys and service keys.`}>
        <Table
          caption="API keys"
          columns={[
            { header: 'Name', cell: (k) => <span className="strong">{k.name}</span> },
            { header: 'Key', cell: (k) => <code className="mono">{k.redacted_key}</code> },
            { header: 'Type', cell: (k) => (k.key_type === 'USER' ? 'User' : 'Service') },
            { header: 'Expires', cell: (k) => <Expiry iso={k.expires_at} /> },
            { header: 'Last used', cell: (k) => (k.last_used_at ? relativeTime(k.last_used_at) : 'Never') },
            { header: 'Status', cell: (k) => <KeyStatus apiKey={k} /> },
          ]}
          rows={data?.keys ?? []}
          rowKey={(k) => k.id}
          loading={loading}
          empty="No active keys."
        />
      </Section>
      {withActivity && (
      <Section title="Recent activity" description="The latest actions in the audit log.">
        <Table
          caption="Recent activity"
          columns={[
            { header: 'When', cell: (e) => <span title={e.created_at}>{formatDateTime(e.created_at)}</span> },
            { header: 'Action', cell: (e) => e.operation_name ?? e.operation_type },
            { header: 'From', cell: (e) => <span className="mono small">{e.ip}</span> },
          ]}
          rows={data?.activity ?? []}
          rowKey={(e) => e.id}
          loading={loading}
          empty="No recent activity."
        />
      </Section>
      )}
    </>
  );
}
