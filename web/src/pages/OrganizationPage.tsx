import { useState } from 'react';
import { api, page } from '../lib/api.js';
import type { Space } from '../../../src/client/types.js';
import { ErrorAlert } from '../components/Alert.js';
import { MembersSection } from '../components/MembersSection.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { OrganizationDialog, SpaceDialog } from '../components/ResourceForms.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { useCan } from '../lib/access.js';
import { formatDate } from '../lib/format.js';
import { useAsync, usePaged } from '../lib/hooks.js';
import { Link, navigate, pathTo } from '../lib/router.js';
import { useSession } from '../lib/session.js';
import { DeleteOrganizationDialog } from './OrganizationsPage.js';

/** One organization: its spaces and its members. */
export function OrganizationPage({ id }: { id: string }) {
  const { accountCan } = useSession();
  const org = useAsync(() => api.organizations.get(id), [id]);
  const spaceList = usePaged((cursor) => page(api.spaces.list({ org_id: id, cursor }), 'spaces'), [id]);
  const { can } = useCan([
    ['ORGANIZATION_UPDATE', id],
    ['SPACE_CREATE', id],
  ]);
  const [editing, setEditing] = useState(false);
  const [creatingSpace, setCreatingSpace] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const canUpdate = can('ORGANIZATION_UPDATE', id);

  const columns: Column<Space>[] = [
    { header: 'Name', cell: (s) => <Link to={pathTo('spaces', s.id)} className="strong">{s.name}</Link> },
    { header: 'Visibility', cell: (s) => (s.is_private ? <span className="badge badge-amber">Private</span> : <span className="muted">Organization</span>) },
    { header: 'Description', cell: (s) => s.description || <span className="muted">—</span> },
    { header: 'Created', cell: (s) => formatDate(s.created_at) },
  ];

  if (org.error) {
    return (
      <>
        <PageHeader title="Organization" crumbs={[{ label: 'Organizations', to: '/organizations' }]} />
        <ErrorAlert error={org.error} />
      </>
    );
  }
  const o = org.data;
  return (
    <>
      <PageHeader
        title={o?.name ?? 'Organization'}
        crumbs={[{ label: 'Organizations', to: '/organizations' }]}
        actions={
          o && (
            <>
              <Link className="btn" to={`/access?org=${encodeURIComponent(id)}`}>
                Who has access
              </Link>
              {canUpdate && (
                <button type="button" className="btn" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              {accountCan('ORGANIZATION_DELETE') && (
                <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              )}
            </>
          )
        }
      >
        {o?.description && <p>{o.description}</p>}
      </PageHeader>

      <Section
        title="Spaces"
        actions={
          can('SPACE_CREATE', id) && (
            <button type="button" className="btn" onClick={() => setCreatingSpace(true)}>
              New space
            </button>
          )
        }
      >
        <ErrorAlert error={spaceList.error} />
        <Table
          caption={`Spaces of ${o?.name ?? 'the organization'}`}
          columns={columns}
          rows={spaceList.items}
          rowKey={(s) => s.id}
          loading={spaceList.loading}
          empty="No spaces you can see."
        />
        <LoadMore hasMore={spaceList.hasMore} loading={spaceList.loading} onClick={spaceList.loadMore} />
      </Section>

      {o && <MembersSection kind="organization" resourceId={id} resourceName={o.name} canManage={canUpdate} />}

      {editing && o && (
        <OrganizationDialog
          organization={o}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            org.reload();
          }}
        />
      )}
      {creatingSpace && <SpaceDialog organizationId={id} onClose={() => setCreatingSpace(false)} onSaved={(s) => navigate(pathTo('spaces', s.id))} />}
      {deleting && o && <DeleteOrganizationDialog organization={o} onClose={() => setDeleting(false)} onDeleted={() => navigate('/organizations')} />}
    </>
  );
}
