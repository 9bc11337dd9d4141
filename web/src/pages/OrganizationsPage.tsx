import { useState } from 'react';
import { api, page } from '../lib/api.js';
import type { Organization } from '../../../src/client/types.js';
import { ErrorAlert } from '../components/Alert.js';
import { FirstRunGuide } from '../components/FirstRunGuide.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DeleteCascade } from '../components/DeleteCascade.js';
import { plural, strandedKeys } from '../lib/counts.js';
import { PageHeader } from '../components/PageHeader.js';
import { OrganizationDialog } from '../components/ResourceForms.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { useToast } from '../components/Toast.js';
import { formatDate } from '../lib/format.js';
import { usePaged } from '../lib/hooks.js';
import { Link, navigate, pathTo } from '../lib/router.js';
import { useSession } from '../lib/session.js';

/** The organizations the caller can see; account admins create and delete them. */
export function OrganizationsPage() {
  const { accountCan, isAccountAdmin } = useSession();
  const list = usePaged((cursor) => page(api.organizations.list({ cursor }), 'organizations'), []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Organization>();
  const canCreate = accountCan('ORGANIZATION_CREATE');
  const canDelete = accountCan('ORGANIZATION_DELETE');
  // An account admin sees every organization: none at all means a new server, and the guide to setting it up.
  const firstRun = isAccountAdmin && canCreate && !list.loading && !list.error && list.items.length === 0;

  const columns: Column<Organization>[] = [
    { header: 'Name', cell: (o) => <Link to={pathTo('organizations', o.id)} className="strong">{o.name}</Link> },
    { header: 'Description', cell: (o) => o.description || <span className="muted">—</span> },
    { header: 'Created', cell: (o) => formatDate(o.created_at) },
  ];
  if (canDelete) {
    columns.push({
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (o) => (
        <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(o)} aria-label={`Delete ${o.name}`}>
          Delete
        </button>
      ),
    });
  }

  return (
    <>
      <PageHeader
        title="Organizations"
        actions={
          // While the first-run guide shows, its own New organization button is the one to press.
          canCreate && !firstRun && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New organization
            </button>
          )
        }
      >
        <p>Organizations hold spaces, and spaces hold projects. Access granted on an organization covers everything in it.</p>
      </PageHeader>
      <ErrorAlert error={list.error} />
      {firstRun ? (
        <FirstRunGuide onCreateOrganization={() => setCreating(true)} />
      ) : (
        <>
          <Table
            caption="Organizations"
            columns={columns}
            rows={list.items}
            rowKey={(o) => o.id}
            loading={list.loading}
            empty="You are not a member of any organization yet. An account admin can add you to one."
          />
          <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
        </>
      )}
      {creating && <OrganizationDialog onClose={() => setCreating(false)} onSaved={(o) => navigate(pathTo('organizations', o.id))} />}
      {deleting && <DeleteOrganizationDialog organization={deleting} onClose={() => setDeleting(undefined)} onDeleted={list.reload} />}
    </>
  );
}

export function DeleteOrganizationDialog({ organization, onClose, onDeleted }: { organization: Organization; onClose: () => void; onDeleted: () => void }) {
  const toast = useToast();
  return (
    <ConfirmDialog
      title="Delete organization"
      confirmLabel="Delete organization"
      danger
      removesOpener
      onClose={onClose}
      onConfirm={async () => {
        await api.organizations.delete(organization.id);
        toast(`Deleted ${organization.name}.`);
        onDeleted();
      }}
    >
      <p>
        Delete <strong>{organization.name}</strong>? This also deletes:
      </p>
      <DeleteCascade
        preview={() => api.organizations.previewDelete(organization.id)}
        describe={(c) => [
          `${plural(c.spaces, 'space')} and ${plural(c.projects, 'project')}, with ${plural(c.resource_restrictions, 'restriction')};`,
          `${plural(c.organization_memberships, 'organization membership')}, ${plural(c.space_memberships, 'space membership')} and ${plural(c.role_bindings, 'role binding')};`,
          ...strandedKeys(c.service_keys_without_space),
        ]}
      />
      <p>This cannot be undone.</p>
    </ConfirmDialog>
  );
}
