import { useState } from 'react';
import { api, page } from '../lib/api.js';
import type { Project } from '../../../src/client/types.js';
import { ErrorAlert } from '../components/Alert.js';
import { BindingsSection } from '../components/BindingsSection.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DeleteCascade } from '../components/DeleteCascade.js';
import { plural, strandedKeys } from '../lib/counts.js';
import { MembersSection } from '../components/MembersSection.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { ProjectDialog, SpaceDialog } from '../components/ResourceForms.js';
import { LoadMore, Table, type Column } from '../components/Table.js';
import { useToast } from '../components/Toast.js';
import { useCan } from '../lib/access.js';
import { formatDate } from '../lib/format.js';
import { useAsync, usePaged } from '../lib/hooks.js';
import { useAllRoles, useRestrictedProjects } from '../lib/queries.js';
import { Link, navigate, pathTo } from '../lib/router.js';

/** One space: its projects, members, role bindings and the private flag. */
export function SpacePage({ id }: { id: string }) {
  const toast = useToast();
  const space = useAsync(() => api.spaces.get(id), [id]);
  const orgId = space.data?.organization_id;
  const org = useAsync(() => (orgId ? api.organizations.get(orgId) : Promise.resolve(undefined)), [orgId]);
  const projectList = usePaged((cursor) => page(api.projects.list({ space_id: id, cursor }), 'projects'), [id]);
  const restricted = useRestrictedProjects();
  const allRoles = useAllRoles();
  const { can } = useCan([
    ['SPACE_UPDATE', id],
    ['SPACE_DELETE', id],
    ['PROJECT_CREATE', id],
    ['ROLE_BINDING_CREATE', id],
    ['ROLE_BINDING_DELETE', id],
  ]);
  const [editing, setEditing] = useState(false);
  const [creatingProject, setCreatingProject] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const crumbs = [{ label: 'Organizations', to: '/organizations' }];
  if (org.data) crumbs.push({ label: org.data.name, to: pathTo('organizations', org.data.id) });

  const columns: Column<Project>[] = [
    { header: 'Name', cell: (p) => <Link to={pathTo('projects', p.id)} className="strong">{p.name}</Link> },
    {
      header: 'Access',
      cell: (p) =>
        !restricted.data ? (
          <span className="muted">—</span>
        ) : restricted.data.has(p.id) ? (
          <span className="badge badge-amber">Restricted</span>
        ) : (
          <span className="muted">Inherited</span>
        ),
    },
    { header: 'Created', cell: (p) => formatDate(p.created_at) },
  ];

  if (space.error) {
    return (
      <>
        <PageHeader title="Space" crumbs={crumbs} />
        <ErrorAlert error={space.error} />
      </>
    );
  }
  const s = space.data;
  const customRoles = (allRoles.data ?? []).filter((r) => !r.is_predefined);

  return (
    <>
      <PageHeader
        title={s?.name ?? 'Space'}
        crumbs={crumbs}
        actions={
          s && (
            <>
              <Link className="btn" to={`/access?org=${encodeURIComponent(s.organization_id)}&space=${encodeURIComponent(id)}`}>
                Who has access
              </Link>
              {can('SPACE_UPDATE', id) && (
                <button type="button" className="btn" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
              {can('SPACE_DELETE', id) && (
                <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              )}
            </>
          )
        }
      >
        {s && (
          <p>
            {s.is_private ? (
              <>
                <span className="badge badge-amber">Private</span> Only members of this space and organization or account admins can see it.
              </>
            ) : (
              <>
                <span className="badge badge-gray">Not private</span> Every member of the organization can see it.
              </>
            )}
            {s.description && <span className="block">{s.description}</span>}
          </p>
        )}
      </PageHeader>

      <Section
        title="Projects"
        actions={
          can('PROJECT_CREATE', id) && (
            <button type="button" className="btn" onClick={() => setCreatingProject(true)}>
              New project
            </button>
          )
        }
      >
        <ErrorAlert error={projectList.error} />
        <Table
          caption={`Projects in ${s?.name ?? 'the space'}`}
          columns={columns}
          rows={projectList.items}
          rowKey={(p) => p.id}
          loading={projectList.loading}
          empty="No projects you can see."
        />
        <LoadMore hasMore={projectList.hasMore} loading={projectList.loading} onClick={projectList.loadMore} />
      </Section>

      {s && <MembersSection kind="space" resourceId={id} resourceName={s.name} canManage={can('SPACE_UPDATE', id)} customRoles={customRoles} />}
      {s && (
        <BindingsSection
          resourceType="SPACE"
          resourceId={id}
          resourceName={s.name}
          roles={allRoles.data ?? []}
          canCreate={can('ROLE_BINDING_CREATE', id)}
          canDelete={can('ROLE_BINDING_DELETE', id)}
          description="Roles bound on the space apply to it and to all of its projects that are not restricted."
        />
      )}

      {editing && s && (
        <SpaceDialog
          organizationId={s.organization_id}
          space={s}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            toast('Space saved.');
            space.reload();
          }}
        />
      )}
      {creatingProject && <ProjectDialog spaceId={id} onClose={() => setCreatingProject(false)} onSaved={(p) => navigate(pathTo('projects', p.id))} />}
      {deleting && s && (
        <ConfirmDialog
          title="Delete space"
          confirmLabel="Delete space"
          danger
          removesOpener
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.spaces.delete(id);
            toast(`Deleted ${s.name}.`);
            navigate(pathTo('organizations', s.organization_id));
          }}
        >
          <p>
            Delete <strong>{s.name}</strong>? This also deletes:
          </p>
          <DeleteCascade
            preview={() => api.spaces.previewDelete(id)}
            describe={(c) => [
              `${plural(c.projects, 'project')}, with ${plural(c.resource_restrictions, 'restriction')};`,
              `${plural(c.space_memberships, 'space membership')} and ${plural(c.role_bindings, 'role binding')} on the space and its projects;`,
              ...strandedKeys(c.service_keys_without_space),
            ]}
          />
          <p>This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
