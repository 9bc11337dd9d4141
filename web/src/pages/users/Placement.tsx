import { useState } from 'react';
import type { Organization, PredefinedRoleName, RoleAssignment, Space } from '../../../../src/client/types.js';
import { Field } from '../../components/Field.js';
import { RoleSelect } from '../../components/RoleSelect.js';
import { api, listAll, page } from '../../lib/api.js';
import { roleLabel } from '../../lib/format.js';
import { useAsync } from '../../lib/hooks.js';

const ORGANIZATION_ROLES: readonly PredefinedRoleName[] = ['READ_ONLY', 'MEMBER', 'ADMIN'];
const SPACE_ROLES: readonly PredefinedRoleName[] = ['READ_ONLY', 'MEMBER', 'ADMIN', 'ANNOTATOR'];

/** Where an invited user is placed at once: an organization (and role) and optionally one of its spaces (and role). */
export interface Placement {
  organizations: Organization[];
  spaces: Space[];
  loading: boolean;
  organizationId: string;
  setOrganizationId: (id: string) => void;
  organizationRole: RoleAssignment;
  setOrganizationRole: (role: RoleAssignment) => void;
  spaceId: string;
  setSpaceId: (id: string) => void;
  spaceRole: RoleAssignment;
  setSpaceRole: (role: RoleAssignment) => void;
  /** "team-alpha (Read Only) and its space traces (Member)", or undefined when no organization is chosen. */
  summary: string | undefined;
  /** Adds the user to the chosen organization, then to the chosen space (the server needs them in that order). */
  apply: (userId: string) => Promise<void>;
}

export function usePlacement(): Placement {
  const choices = useAsync(async () => {
    const [organizations, spaces] = await Promise.all([
      listAll((cursor) => page(api.organizations.list({ limit: 100, cursor }), 'organizations')),
      listAll((cursor) => page(api.spaces.list({ limit: 100, cursor }), 'spaces')),
    ]);
    return { organizations, spaces };
  }, []);
  const [organizationId, setOrganizationIdState] = useState('');
  const [organizationRole, setOrganizationRole] = useState<RoleAssignment>({ type: 'PREDEFINED', name: 'READ_ONLY' });
  const [spaceId, setSpaceId] = useState('');
  const [spaceRole, setSpaceRole] = useState<RoleAssignment>({ type: 'PREDEFINED', name: 'MEMBER' });
  const organizations = choices.data?.organizations ?? [];
  const spaces = (choices.data?.spaces ?? []).filter((s) => s.organization_id === organizationId);
  const organization = organizations.find((o) => o.id === organizationId);
  const space = spaces.find((s) => s.id === spaceId);
  return {
    organizations,
    spaces,
    loading: choices.loading,
    organizationId,
    setOrganizationId: (id) => {
      setOrganizationIdState(id);
      setSpaceId('');
    },
    organizationRole,
    setOrganizationRole,
    spaceId,
    setSpaceId,
    spaceRole,
    setSpaceRole,
    summary: organization
      ? `${organization.name} (${roleLabel(organizationRole)})${space ? ` and its space ${space.name} (${roleLabel(spaceRole)})` : ''}`
      : undefined,
    apply: async (userId) => {
      if (!organization) return;
      await api.organizations.addUser(organization.id, { user_id: userId, role: organizationRole });
      if (space) await api.spaces.addUser(space.id, { user_id: userId, role: spaceRole });
    },
  };
}

/** The invite dialog's optional "Give access" fields. */
export function PlacementFields({ placement: p }: { placement: Placement }) {
  return (
    <fieldset className="radio-list">
      <legend>Give access (optional)</legend>
      <div className="field-row">
        <Field label="Organization">
          {(f) => (
            <select {...f} value={p.organizationId} onChange={(e) => p.setOrganizationId(e.target.value)} disabled={p.loading}>
              <option value="">{p.loading ? 'Loading…' : 'None'}</option>
              {p.organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Organization role">
          {(f) => (
            <RoleSelect id={f.id} value={p.organizationRole} onChange={p.setOrganizationRole} predefined={ORGANIZATION_ROLES} disabled={!p.organizationId} />
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label="Space">
          {(f) => (
            <select {...f} value={p.spaceId} onChange={(e) => p.setSpaceId(e.target.value)} disabled={!p.organizationId}>
              <option value="">None</option>
              {p.spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Space role">
          {(f) => <RoleSelect id={f.id} value={p.spaceRole} onChange={p.setSpaceRole} predefined={SPACE_ROLES} disabled={!p.spaceId} />}
        </Field>
      </div>
    </fieldset>
  );
}
