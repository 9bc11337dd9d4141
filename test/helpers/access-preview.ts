import { accessDiff, type AccessSnapshot } from '../../src/access/index.js';
import { encodeId } from '../../src/domain/ids.js';
import type { Json } from './server.js';

const ID_TYPE = { ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project' } as const;

/** The difference of two snapshots as a dry run's `principals` say it, without names (see `unnamed`). */
export function expectedPrincipals(before: AccessSnapshot, after: AccessSnapshot): Json[] {
  const byUser = new Map<string, Json[]>();
  for (const d of accessDiff(before, after)) {
    const key = `${encodeId('User', d.userId)}|${d.isBot ? 'SERVICE_KEY' : 'USER'}`;
    const change = {
      resource_type: d.resource.type,
      ...(d.resource.type === 'ACCOUNT' ? {} : { resource_id: encodeId(ID_TYPE[d.resource.type], d.resource.id) }),
      gained: d.gained, lost: d.lost,
    };
    byUser.set(key, [...byUser.get(key) ?? [], change]);
  }
  return [...byUser].map(([key, changes]) => {
    const [userId, type] = key.split('|');
    return { user_id: userId, principal_type: type, changes };
  });
}

/** A dry run's `principals` without the names of principals and resources. */
export function unnamed(principals: Json[]): Json[] {
  return principals.map((p: Json) => ({
    user_id: p.user_id, principal_type: p.principal_type,
    changes: p.changes.map(({ resource_name: _, ...c }: Json) => c),
  }));
}
