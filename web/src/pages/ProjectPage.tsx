import { useState } from 'react';
import { api } from '../lib/api.js';
import { AccessPreview } from '../components/AccessPreview.js';
import { ErrorAlert } from '../components/Alert.js';
import { BindingsSection } from '../components/BindingsSection.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DeleteCascade } from '../components/DeleteCascade.js';
import { plural } from '../lib/counts.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { ProjectDialog } from '../components/ResourceForms.js';
import { useToast } from '../components/Toast.js';
import { useCan } from '../lib/access.js';
import { useAsync } from '../lib/hooks.js';
import { useAllRoles, useRestrictedProjects } from '../lib/queries.js';
import { Link, navigate, pathTo } from '../lib/router.js';

/** One project: restrict / unrestrict it and manage who has explicit access through project role bindings. */
export function ProjectPage({ id }: { id: string }) {
  const toast = useToast();
  const project = useAsync(() => api.projects.get(id), [id]);
  const spaceId = project.data?.space_id;
  const space = useAsync(() => (spaceId ? api.spaces.get(spaceId) : Promise.resolve(undefined)), [spaceId]);
  const orgId = space.data?.organization_id;
  const org = useAsync(() => (orgId ? api.organizations.get(orgId) : Promise.resolve(undefined)), [orgId]);
  const restricted = useRestrictedProjects();
  const allRoles = useAllRoles();
  const { can, refresh: refreshAccess } = useCan([
    ['PROJECT_UPDATE', id],
    ['PROJECT_DELETE', id],
    ['PROJECT_RESTRICT', id],
    ['ROLE_BINDING_CREATE', id],
    ['ROLE_BINDING_DELETE', id],
  ]);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [toggling, setToggling] = useState(false);

  const crumbs = [{ label: 'Organizations', to: '/organizations' }];
  if (org.data) crumbs.push({ label: org.data.name, to: pathTo('organizations', org.data.id) });
  if (space.data) crumbs.push({ label: space.data.name, to: pathTo('spaces', space.data.id) });

  if (project.error) {
    return (
      <>
        <PageHeader title="Project" crumbs={crumbs} />
        <ErrorAlert error={project.error} />
      </>
    );
  }
  const p = project.data;
  const isRestricted = restricted.data?.has(id);
  const spaceName = space.data?.name ?? 'its space';
  const accessLink = `/access?${new URLSearchParams({ ...(orgId ? { org: orgId } : {}), ...(spaceId ? { space: spaceId } : {}), project: id })}`;

  return (
    <>
      <PageHeader
        title={p?.name ?? 'Project'}
        crumbs={crumbs}
        actions={
          p && (
            <>
              <Link className="btn" to={accessLink}>
                Who has access
              </Link>
              {can('PROJECT_UPDATE', id) && (
                <button type="button" className="btn" onClick={() => setRenaming(true)}>
                  Rename
                </button>
              )}
              {can('PROJECT_DELETE', id) && (
                <button type="button" className="btn btn-danger-outline" onClick={() => setDeleting(true)}>
                  Delete
                </button>
              )}
            </>
          )
        }
      />

      <Section title="Access restriction">
        <ErrorAlert error={restricted.error} />
        {isRestricted !== undefined && (
          <div className={isRestricted ? 'status-card status-card-amber' : 'status-card'}>
            <div>
              <p className="strong">
                {isRestricted ? (
                  <>
                    <span className="badge badge-amber">Restricted</span> Only explicit project role bindings grant access
                  </>
                ) : (
                  <>
                    <span className="badge badge-gray">Not restricted</span> Access is inherited from {spaceName}
                  </>
                )}
              </p>
              <p className="muted">
                {isRestricted
                  ? 'Organization and space roles no longer reach this project’s data. Their admins can still see its name, manage its role bindings and lift the restriction.'
                  : `Everyone with a role on ${spaceName} or its organization has that role here too. Restrict the project to limit it to the people bound below.`}
              </p>
            </div>
            {can('PROJECT_RESTRICT', id) && (
              <button type="button" className={isRestricted ? 'btn' : 'btn btn-primary'} onClick={() => setToggling(true)}>
                {isRestricted ? 'Remove restriction' : 'Restrict project'}
              </button>
            )}
          </div>
        )}
      </Section>

      {p && (
        <BindingsSection
          resourceType="PROJECT"
          resourceId={id}
          resourceName={p.name}
          roles={allRoles.data ?? []}
          canCreate={can('ROLE_BINDING_CREATE', id)}
          canDelete={can('ROLE_BINDING_DELETE', id)}
          description={
            isRestricted
              ? 'Explicit access: while the project is restricted, these are the only grants to its data.'
              : 'Explicit access on this project, in addition to what the space and organization grant.'
          }
        />
      )}

      {toggling && (
        <ConfirmDialog
          title={isRestricted ? 'Remove restriction' : 'Restrict project'}
          confirmLabel={isRestricted ? 'Remove restriction' : 'Restrict project'}
          danger={!isRestricted}
          onClose={() => setToggling(false)}
          onConfirm={async () => {
            if (isRestricted) await api.resourceRestrictions.unrestrict(id);
            else await api.resourceRestrictions.restrict(id);
            toast(isRestricted ? 'Restriction removed.' : 'Project restricted.');
            restricted.reload();
            refreshAccess();
          }}
        >
          {isRestricted ? (
            <p>
              Everyone with access to <strong>{spaceName}</strong> and its organization gets access to <strong>{p?.name}</strong> again, at once.
            </p>
          ) : (
            <p>
              From now on only the project role bindings listed on this page grant access to the data of <strong>{p?.name}</strong>. Members of{' '}
              <strong>{spaceName}</strong> and its organization lose access unless they are bound here.
            </p>
          )}
          <AccessPreview
            load={() => (isRestricted ? api.previews.unrestrict(id) : api.previews.restrict(id))}
            deps={[id, isRestricted]}
          />
        </ConfirmDialog>
      )}
      {renaming && p && (
        <ProjectDialog
          spaceId={p.space_id}
          project={p}
          onClose={() => setRenaming(false)}
          onSaved={() => {
            setRenaming(false);
            project.reload();
          }}
        />
      )}
      {deleting && p && (
        <ConfirmDialog
          title="Delete project"
          confirmLabel="Delete project"
          danger
          removesOpener
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.projects.delete(id);
            toast(`Deleted ${p.name}.`);
            navigate(pathTo('spaces', p.space_id));
          }}
        >
          <p>
            Delete <strong>{p.name}</strong>? This also deletes:
          </p>
          <DeleteCascade
            preview={() => api.projects.previewDelete(id)}
            describe={(c) => [`${plural(c.resource_restrictions, 'restriction')} and ${plural(c.role_bindings, 'project role binding')}.`]}
          />
          <p>This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
