import type { AccessPrincipal, AccessReason } from '../../../src/client/types.js';
import { api, listAll, page } from './api.js';
import { useAsync } from './hooks.js';

/** A grant's end and the reason it was given, as memberships and role bindings answer them. */
export interface GrantEndFields {
  expires_at?: string;
  reason?: string;
}

/** The lists that hold the grants behind some reasons: members of an organization or space, bindings on a space or project. */
type Holder = `${'org' | 'space' | 'SPACE' | 'PROJECT'}|${string}`;

function holderOf(reason: AccessReason): Holder | undefined {
  switch (reason.source) {
    case 'ORGANIZATION_MEMBERSHIP': return `org|${reason.resource_id}`;
    case 'SPACE_MEMBERSHIP': return `space|${reason.resource_id}`;
    case 'SPACE_BINDING': return `SPACE|${reason.resource_id}`;
    case 'PROJECT_BINDING': return `PROJECT|${reason.resource_id}`;
    default: return undefined;
  }
}

/** Grants that end, keyed `user id|holder` for memberships and `binding id` for role bindings. */
async function endingGrants(holder: Holder): Promise<[string, GrantEndFields][]> {
  const [kind, id] = holder.split('|') as [string, string];
  const ending = (g: GrantEndFields) => g.expires_at !== undefined;
  const fields = (g: GrantEndFields): GrantEndFields => ({ expires_at: g.expires_at, reason: g.reason });
  if (kind === 'org' || kind === 'space') {
    const members = await listAll<GrantEndFields & { user_id: string }>((cursor) => (kind === 'org'
      ? page(api.organizations.listUsers(id, { cursor, limit: 100 }), 'memberships')
      : page(api.spaces.listUsers(id, { cursor, limit: 100 }), 'memberships')));
    return members.filter(ending).map((m) => [`${m.user_id}|${holder}`, fields(m)]);
  }
  const bindings = await listAll((cursor) =>
    page(api.roleBindings.list({ resource_type: kind as 'SPACE' | 'PROJECT', resource_id: id, cursor, limit: 100 }), 'role_bindings'));
  return bindings.filter(ending).map((b) => [b.id, fields(b)]);
}

/**
 * When the grants behind the principals' access reasons end (GET /v2/access/principals does not say): read from the
 * member and role-binding lists of the organizations, spaces and projects those reasons name, once each. A list the
 * viewer may not read leaves its grants without an end shown.
 */
export function useGrantEnds(principals: readonly AccessPrincipal[]): (userId: string, reason: AccessReason) => GrantEndFields | undefined {
  const holders = [...new Set(principals.flatMap((p) => p.grants.map(holderOf).filter((h): h is Holder => h !== undefined)))].sort();
  const signature = holders.join(',');
  const ends = useAsync(async () => {
    const lists = await Promise.all(holders.map((h) => endingGrants(h).catch(() => [])));
    return new Map(lists.flat());
  }, [signature]);
  return (userId, reason) => {
    const holder = holderOf(reason);
    if (!holder || !ends.data) return undefined;
    return reason.binding_id ? ends.data.get(reason.binding_id) : ends.data.get(`${userId}|${holder}`);
  };
}
