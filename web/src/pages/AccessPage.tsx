import { useState, type FormEvent } from 'react';
import type { AccessCheckResult as AccessCheck, AccessPrincipal } from '../../../src/client/types.js';
import { api, listAll, page } from '../lib/api.js';
import { AccessReasons, reasonRefs } from '../components/AccessReasons.js';
import { Alert, ErrorAlert } from '../components/Alert.js';
import { Field } from '../components/Field.js';
import { PageHeader, Section } from '../components/PageHeader.js';
import { permissionLabel, PermissionList, PermissionSelect } from '../components/PermissionPicker.js';
import { SubmitButton } from '../components/SubmitButton.js';
import { Table, type Column } from '../components/Table.js';
import { findUserByEmail, UserEmailInput } from '../components/UserEmailInput.js';
import { useCan } from '../lib/access.js';
import { useGrantEnds } from '../lib/grant-ends.js';
import { useAsync } from '../lib/hooks.js';
import { useResourceNames } from '../lib/resource-names.js';
import { setQuery, useLocation } from '../lib/router.js';
import { useSession } from '../lib/session.js';

/**
 * "Who can do what on X, and why": pick an organization, space or project, see every principal with access
 * and the grants behind it (GET /v2/access/principals), and check one user and permission (POST /v2/access/check).
 */
export function AccessPage() {
  const { query } = useLocation();
  const orgId = query.get('org') ?? '';
  const spaceId = query.get('space') ?? '';
  const projectId = query.get('project') ?? '';
  const permission = query.get('permission') ?? '';
  const resourceId = projectId || spaceId || orgId;

  const orgs = useAsync(() => listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')), []);
  const orgSpaces = useAsync(
    () => (orgId ? listAll((cursor) => page(api.spaces.list({ org_id: orgId, limit: 100, cursor }), 'spaces')) : Promise.resolve([])),
    [orgId],
  );
  const spaceProjects = useAsync(
    () => (spaceId ? listAll((cursor) => page(api.projects.list({ space_id: spaceId, limit: 100, cursor }), 'projects')) : Promise.resolve([])),
    [spaceId],
  );
  // Listing who has access needs ROLE_BINDING_READ on the resource; everyone may check their own access.
  const readable = useCan([['ROLE_BINDING_READ', resourceId || undefined]]);
  const canList = readable.can('ROLE_BINDING_READ', resourceId);
  const principals = useAsync(
    () => (canList ? api.access.principals(resourceId).then((r) => r.principals) : Promise.resolve<AccessPrincipal[]>([])),
    [resourceId, canList],
  );

  const resourceName =
    (projectId && spaceProjects.data?.find((p) => p.id === projectId)?.name) ||
    (spaceId && orgSpaces.data?.find((s) => s.id === spaceId)?.name) ||
    (orgId && orgs.data?.find((o) => o.id === orgId)?.name) ||
    '';

  const names = useResourceNames(reasonRefs((principals.data ?? []).flatMap((p) => p.grants)));
  const endOf = useGrantEnds(principals.data ?? []);
  const shown = (principals.data ?? []).filter((p) => !permission || p.permissions.some((held) => held === permission));
  const columns: Column<AccessPrincipal>[] = [
    {
      header: 'Who',
      cell: (p) => (
        <div>
          <div className="strong">
            {p.user.name} {p.is_bot && <span className="badge badge-gray">Bot</span>}
          </div>
          <div className="muted small">{p.user.email}</div>
        </div>
      ),
    },
    {
      header: 'Permissions',
      cell: (p) => (
        <details className="details">
          <summary>{permission ? `Holds ${permissionLabel(permission)}; all ${p.permissions.length}` : `${p.permissions.length} permissions`}</summary>
          <PermissionList permissions={p.permissions} searchable />
        </details>
      ),
    },
    { header: 'Why', cell: (p) => <AccessReasons reasons={p.grants} names={names} endOf={(r) => endOf(p.user_id, r)} /> },
  ];

  return (
    <>
      <PageHeader title="Access">
        <p>Who can do what on an organization, space or project, and which membership, role binding or restriction decides it.</p>
      </PageHeader>

      <Section title="Resource">
        <div className="toolbar">
          <Field label="Organization" className="field-inline">
            {(p) => (
              <select {...p} value={orgId} onChange={(e) => setQuery({ org: e.target.value, space: undefined, project: undefined })}>
                <option value="">Choose an organization</option>
                {(orgs.data ?? []).map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Space" className="field-inline">
            {(p) => (
              <select {...p} value={spaceId} disabled={!orgId} onChange={(e) => setQuery({ space: e.target.value, project: undefined })}>
                <option value="">{orgId ? 'The whole organization' : '—'}</option>
                {(orgSpaces.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Project" className="field-inline">
            {(p) => (
              <select {...p} value={projectId} disabled={!spaceId} onChange={(e) => setQuery({ project: e.target.value })}>
                <option value="">{spaceId ? 'The whole space' : '—'}</option>
                {(spaceProjects.data ?? []).map((pr) => (
                  <option key={pr.id} value={pr.id}>
                    {pr.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ErrorAlert error={orgs.error ?? orgSpaces.error ?? spaceProjects.error} />
      </Section>

      {resourceId && (
        <>
          {canList && (
            <Section
              title={resourceName ? `Who has access to ${resourceName}` : 'Who has access'}
              actions={
                <Field label="Permission" className="field-inline">
                  {(p) => (
                    <PermissionSelect
                      id={p.id}
                      value={permission}
                      onChange={(v) => setQuery({ permission: v })}
                      emptyLabel="Any permission"
                    />
                  )}
                </Field>
              }
            >
              <ErrorAlert error={principals.error} />
              <Table
                caption={`Principals with access to ${resourceName || 'the resource'}`}
                columns={columns}
                rows={shown}
                rowKey={(p) => p.user_id}
                loading={principals.loading}
                empty={permission ? `Nobody holds ${permissionLabel(permission)} here.` : 'Nobody has access here.'}
              />
            </Section>
          )}
          {readable.ready && !canList && (
            <div className="section">
              <Alert tone="info">
                Only those who may read role bindings here (its admins) can see everyone who has access. You can still check your own access below.
              </Alert>
            </div>
          )}
          <CheckSection resourceId={resourceId} resourceName={resourceName} permission={permission} />
        </>
      )}
    </>
  );
}

function CheckSection({ resourceId, resourceName, permission: initialPermission }: { resourceId: string; resourceName: string; permission: string }) {
  const { me, isAccountAdmin } = useSession();
  const [email, setEmail] = useState(me.email);
  const [permission, setPermission] = useState(initialPermission);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<{ check: AccessCheck; email: string; permission: string }>();
  const names = useResourceNames(reasonRefs(result?.check.reasons ?? []));
  // An answer belongs to the question asked: once the email or permission changes, it no longer applies.
  const changeEmail = (next: string) => {
    setEmail(next);
    setResult(undefined);
  };
  const changePermission = (next: string) => {
    setPermission(next);
    setResult(undefined);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!permission) {
      setError(new Error('Choose a permission to check.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const userId = email.trim().toLowerCase() === me.email.toLowerCase() ? me.id : (await findUserByEmail(email)).id;
      const who = userId === me.id ? 'You' : email.trim();
      setResult({ check: await api.access.check({ user_id: userId, permission, resource_id: resourceId }), email: who, permission });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title="Check a permission"
      description={`Can ${isAccountAdmin ? 'a given user' : 'you'} do one thing on ${resourceName || 'this resource'}? The answer lists every grant and denial that decided it.`}
    >
      <form className="toolbar" onSubmit={submit}>
        {isAccountAdmin && (
          <Field label="User email" className="field-inline grow">
            {(p) => <UserEmailInput id={p.id} value={email} onChange={changeEmail} />}
          </Field>
        )}
        <Field label="Permission to check" className="field-inline grow">
          {(p) => <PermissionSelect id={p.id} value={permission} onChange={changePermission} emptyLabel="Choose a permission" />}
        </Field>
        <div className="button-row filters-actions">
          <SubmitButton busy={busy} busyLabel="Checking…">
            Check
          </SubmitButton>
        </div>
      </form>
      <ErrorAlert error={error} />
      {result && (
        <Alert
          tone={result.check.allowed ? 'success' : 'error'}
          title={`${result.email} ${result.check.allowed ? 'can' : 'cannot'} use “${permissionLabel(result.permission)}” on ${resourceName || 'this resource'}`}
        >
          <AccessReasons reasons={result.check.reasons} names={names} />
        </Alert>
      )}
    </Section>
  );
}
