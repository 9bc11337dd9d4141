import { useState, type FormEvent } from 'react';
import { PREDEFINED_ROLE_KEYS } from '../../../src/domain/predefined-roles.js';
import type { AccessPreview as AccessPreviewBody } from '../../../src/client/index.js';
import type {
  OrganizationMember, PredefinedRoleName, RemovalCascade, RemovalParams, Role, RoleAssignment, ServiceKeyAction, SpaceMember,
} from '../../../src/client/types.js';
import { api, ApiError, page } from '../lib/api.js';
import { roleLabel } from '../lib/format.js';
import { useAsync, useDebounced, usePaged } from '../lib/hooks.js';
import { AccessPreview } from './AccessPreview.js';
import { ErrorAlert } from './Alert.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { Dialog } from './Dialog.js';
import { Field } from './Field.js';
import { FormActions } from './FormActions.js';
import { GrantEnd } from './GrantEnd.js';
import { GrantForFields, useGrantFor } from './GrantFor.js';
import { Section } from './PageHeader.js';
import { CascadeSummary, counted, RotatedKeysDialog, useRemovalPreview } from './RemovalCascade.js';
import { RoleSelect } from './RoleSelect.js';
import { AccessModelHelp } from './AccessModelHelp.js';
import { LoadMore, Table, type Column } from './Table.js';
import { useToast } from './Toast.js';
import { findUserByEmail, UserEmailInput } from './UserEmailInput.js';

/** A row of an organization's or a space's member list. */
type Member = OrganizationMember | SpaceMember;

const PREDEFINED: readonly PredefinedRoleName[] = PREDEFINED_ROLE_KEYS;
/** The organization roles offered when a space's new member is added to its organization too (least privilege first). */
const ORGANIZATION_ROLES: readonly PredefinedRoleName[] = ['READ_ONLY', 'MEMBER', 'ADMIN'];

/** The server's 422 for a space member who is not a member of the space's organization. */
function notInOrganization(error: unknown): boolean {
  return error instanceof ApiError && error.status === 422 && /not a member of the space'?s organization/i.test(error.detail ?? error.message);
}

/** The organization a space belongs to, for offering to add a new space member to it as well. */
interface ParentOrganization {
  id: string;
  name: string;
}

interface MembersSectionProps {
  kind: 'organization' | 'space';
  resourceId: string;
  resourceName: string;
  /** Whether the signed-in user may add, change and remove members here. */
  canManage: boolean;
  /** Custom roles offered besides the predefined ones (spaces accept CUSTOM assignments, organizations do not). */
  customRoles?: readonly Role[];
}

/** The members of an organization or a space with their roles. */
export function MembersSection({ kind, resourceId, resourceName, canManage, customRoles = [] }: MembersSectionProps) {
  const toast = useToast();
  const members = kind === 'organization' ? api.organizations : api.spaces;
  const list = usePaged<Member>(
    (cursor) => (kind === 'organization'
      ? page(api.organizations.listUsers(resourceId, { cursor }), 'memberships')
      : page(api.spaces.listUsers(resourceId, { cursor }), 'memberships')),
    [kind, resourceId],
  );
  const [editing, setEditing] = useState<Member | 'new'>();
  const [removing, setRemoving] = useState<Member>();
  const [rotated, setRotated] = useState<RemovalCascade>();
  const customNames = new Map(customRoles.map((r) => [r.id, r.name]));
  const parent = useAsync(async (): Promise<ParentOrganization | undefined> => {
    if (kind !== 'space') return undefined;
    const space = await api.spaces.get(resourceId);
    const organization = await api.organizations.get(space.organization_id).catch(() => undefined);
    return { id: space.organization_id, name: organization?.name ?? 'its organization' };
  }, [kind, resourceId]);

  const columns: Column<Member>[] = [
    {
      header: 'Member',
      cell: (m) => (
        <div>
          <div className="strong">
            {m.user.name} {m.user.is_bot && <span className="badge badge-gray">Bot</span>}
          </div>
          <div className="muted small">{m.user.email}</div>
        </div>
      ),
    },
    { header: 'Role', cell: (m) => roleLabel(m.role, customNames) },
    { header: 'Ends', cell: (m) => <GrantEnd expiresAt={m.expires_at} reason={m.reason} /> },
  ];
  if (canManage) {
    columns.push({
      header: 'Actions',
      hideHeader: true,
      className: 'actions',
      cell: (m) => (
        <div className="button-row">
          <button type="button" className="btn btn-small" onClick={() => setEditing(m)} aria-label={`Change role of ${m.user.email}`}>
            Change role
          </button>
          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRemoving(m)} aria-label={`Remove ${m.user.email}`}>
            Remove
          </button>
        </div>
      ),
    });
  }

  return (
    <Section
      title="Members"
      actions={
        canManage && (
          <button type="button" className="btn" onClick={() => setEditing('new')}>
            Add member
          </button>
        )
      }
    >
      <AccessModelHelp place="members" />
      <ErrorAlert error={list.error} />
      <Table caption={`Members of ${resourceName}`} columns={columns} rows={list.items} rowKey={(m) => m.id} loading={list.loading} empty="No members yet." />
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />

      {editing && (
        <MemberDialog
          kind={kind}
          member={editing === 'new' ? undefined : editing}
          customRoles={customRoles}
          resourceName={resourceName}
          parent={parent.data}
          onClose={() => setEditing(undefined)}
          preview={(userId, role) =>
            kind === 'organization'
              ? api.previews.addOrganizationUser(resourceId, { user_id: userId, role })
              : api.previews.addSpaceUser(resourceId, { user_id: userId, role })}
          onSave={async (userId, role, grant, organizationRole) => {
            if (organizationRole && parent.data) await api.organizations.addUser(parent.data.id, { user_id: userId, role: organizationRole, ...grant });
            await members.addUser(resourceId, { user_id: userId, role, ...grant });
            list.reload();
          }}
        />
      )}
      {removing && (
        <RemoveMemberDialog
          kind={kind}
          member={removing}
          resourceName={resourceName}
          remove={(params) => members.removeUser(resourceId, removing.user_id, params)}
          onClose={() => setRemoving(undefined)}
          onRemoved={(cascade) => {
            toast(`Removed ${removing.user.email} from ${resourceName}.`);
            list.reload();
            if (cascade) setRotated(cascade);
          }}
        />
      )}
      {rotated && <RotatedKeysDialog cascade={rotated} onClose={() => setRotated(undefined)} />}
    </Section>
  );
}

interface RemoveMemberDialogProps {
  kind: 'organization' | 'space';
  member: Member;
  resourceName: string;
  remove: (params: RemovalParams) => Promise<RemovalCascade | undefined>;
  onClose: () => void;
  /** Called after the removal; with the cascade when keys were rotated (their new secrets to show once). */
  onRemoved: (rotated: RemovalCascade | undefined) => void;
}

/** Confirms a member's removal with the server's own cascade, including the service keys the member created. */
function RemoveMemberDialog({ kind, member, resourceName, remove, onClose, onRemoved }: RemoveMemberDialogProps) {
  const preview = useRemovalPreview(remove, [member.user_id]);
  const [action, setAction] = useState<ServiceKeyAction>('keep');
  const describe = (c: RemovalCascade) =>
    kind === 'organization'
      ? [
          `removes them from ${counted(c.space_memberships, 'space', 'spaces')} of this organization;`,
          `deletes ${counted(c.role_bindings, 'role binding', 'role bindings')} on those spaces and their projects.`,
        ]
      : [`deletes ${counted(c.role_bindings, 'role binding', 'role bindings')} on this space and its projects.`];
  return (
    <ConfirmDialog
      title="Remove member"
      confirmLabel="Remove"
      danger
      removesOpener
      onClose={onClose}
      onConfirm={async () => {
        const cascade = await remove(action === 'keep' ? {} : { service_keys: action });
        onRemoved(cascade?.service_keys_action === 'rotate' ? cascade : undefined);
      }}
    >
      <p>
        Remove <strong>{member.user.name}</strong> ({member.user.email}) from <strong>{resourceName}</strong>? This:
      </p>
      <CascadeSummary preview={preview} describe={describe} action={action} onActionChange={setAction} />
    </ConfirmDialog>
  );
}

interface MemberDialogProps {
  kind: 'organization' | 'space';
  member: Member | undefined;
  customRoles: readonly Role[];
  resourceName: string;
  /** A space's organization: a new member who is not in it yet is offered to join it in the same dialog. */
  parent: ParentOrganization | undefined;
  onClose: () => void;
  /** The dry run of the membership the form holds. */
  preview: (userId: string, role: RoleAssignment) => Promise<AccessPreviewBody>;
  /**
   * Adds or changes the membership, with its end and reason (`grant`); with `organizationRole`, adds the user to the
   * space's organization first (for as long).
   */
  onSave: (userId: string, role: RoleAssignment, grant: GrantFields, organizationRole?: RoleAssignment) => Promise<void>;
}

type GrantFields = { expires_at?: string; reason?: string };

/** Looks like a whole address: worth asking the server about. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function MemberDialog({ kind, member, customRoles, resourceName, parent, onClose, preview, onSave }: MemberDialogProps) {
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleAssignment>(member?.role ?? { type: 'PREDEFINED', name: 'MEMBER' });
  const grant = useGrantFor(member);
  const settledEmail = useDebounced(email.trim(), 400);
  const roleKey = JSON.stringify(role);
  // A new member's preview once the address is whole; a member's once the role differs from theirs.
  const previewable = member ? roleKey !== JSON.stringify(member.role) : EMAIL.test(settledEmail);
  const loadPreview = async () => {
    if (!previewable) return undefined;
    const userId = member ? member.user_id : (await findUserByEmail(settledEmail)).id;
    // Someone outside the space's organization: the form offers to add them there first, on sending.
    return preview(userId, role).catch((e: unknown) => {
      if (notInOrganization(e)) return undefined;
      throw e;
    });
  };
  // Set once the server said the person is not in the space's organization: the dialog then offers to add them there too.
  const [joinOrganization, setJoinOrganization] = useState(false);
  const [organizationRole, setOrganizationRole] = useState<RoleAssignment>({ type: 'PREDEFINED', name: 'READ_ONLY' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const userId = member ? member.user_id : (await findUserByEmail(email)).id;
      await onSave(userId, role, grant.fields(), joinOrganization ? organizationRole : undefined);
      toast(
        member
          ? `Changed the role of ${member.user.email}.`
          : joinOrganization && parent
            ? `Added ${email.trim()} to ${parent.name} and ${resourceName}.`
            : `Added ${email.trim()}.`,
      );
      onClose();
    } catch (err) {
      if (!member && parent && !joinOrganization && notInOrganization(err)) setJoinOrganization(true);
      else setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={member ? 'Change role' : 'Add member'}
      onClose={onClose}
      dismissible={!busy}
      description={
        member
          ? `${member.user.name} (${member.user.email})`
          : kind === 'space' && parent
            ? `Someone not yet in ${parent.name} can be added to it here too.`
            : undefined
      }
    >
      <form onSubmit={submit} className="form">
        {!member && (
          <Field label="User email">{(p) => <UserEmailInput
                id={p.id}
                describedBy={p['aria-describedby']}
                value={email}
                onChange={(value) => {
                  setEmail(value);
                  setJoinOrganization(false);
                }}
              />}</Field>
        )}
        <Field label="Role">
          {(p) => (
            <RoleSelect id={p.id} value={role} onChange={setRole} predefined={PREDEFINED} custom={kind === 'space' ? customRoles : []} required />
          )}
        </Field>
        {joinOrganization && parent && (
          <div className="subform" role="group" aria-labelledby="join-organization-title">
            <p id="join-organization-title" className="strong" role="status">
              {email.trim()} is not a member of {parent.name} yet.
            </p>
            <p className="muted small">A space member must belong to its organization. Add them to {parent.name} with this role, then to the space:</p>
            <Field label={`Role in ${parent.name}`}>
              {(p) => <RoleSelect id={p.id} value={organizationRole} onChange={setOrganizationRole} predefined={ORGANIZATION_ROLES} required />}
            </Field>
          </div>
        )}
        <GrantForFields grant={grant} />
        <AccessPreview heading="What this changes" load={loadPreview} deps={[previewable, settledEmail, roleKey]} />
        <ErrorAlert error={error} />
        <FormActions busy={busy} onCancel={onClose} submitDisabled={grant.incomplete}>
          {member ? 'Save role' : joinOrganization && parent ? `Add to ${parent.name} and ${resourceName}` : 'Add member'}
        </FormActions>
      </form>
    </Dialog>
  );
}
