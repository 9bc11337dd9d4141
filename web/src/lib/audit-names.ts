import { useMemo } from 'react';
import type { ApiKey, AuditLog, User } from '../../../src/client/types.js';
import { api, listAll, page } from './api.js';
import type { AuditNames, CreatedRef, KeyName } from './audit-entries.js';
import { createdKeySpaces, entryRefs } from './audit-entries.js';
import { useAsync } from './hooks.js';
import { useLookup, useResourceNames, type ResourceKind } from './resource-names.js';

/** Every key of the account (ACTIVE and REVOKED), with a SERVICE key's spaces: account admins only. */
async function allKeys(): Promise<ApiKey[]> {
  const lists = await Promise.all((['ACTIVE', 'REVOKED'] as const).map((status) =>
    listAll((cursor) => page(api.apiKeys.list({ all_users: true, status, limit: 100, cursor }), 'api_keys'))));
  return lists.flat();
}

/** The id of what a creation entry created, found by its name (exactly) where it was created; null when gone. */
async function createdId({ kind, name, parentId }: CreatedRef): Promise<string | null> {
  const exact = <T extends { id: string; name: string }>(items: T[]) => items.find((r) => r.name === name)?.id ?? null;
  if (kind === 'organization') return exact((await api.organizations.list({ name, limit: 100 })).organizations);
  if (kind === 'space') return exact((await api.spaces.list({ name, org_id: parentId, limit: 100 })).spaces);
  if (kind === 'project') return exact((await api.projects.list({ name, space_id: parentId, limit: 100 })).projects);
  return exact(await listAll((cursor) => page(api.roles.list({ limit: 100, cursor }), 'roles')));
}

/** A key's name and type, and its spaces: its bot user's now, or (revoked, so without one) those it was created for. */
function keyName(key: ApiKey, created: ReadonlyMap<string, readonly string[]>): KeyName {
  const current = (key.bot_user?.organizations ?? []).flatMap((o) => o.spaces.map((s) => s.space_id));
  return {
    name: key.name,
    keyType: key.key_type,
    spaceIds: current.length > 0 || key.key_type !== 'SERVICE' ? current : (created.get(key.name) ?? []),
  };
}

/**
 * Names for the ids that `entries` mention: people from the account's users (and a GET for the rest, e.g. bot
 * users), organizations, spaces, projects and roles by GET, one request per id, and keys from the key inventory.
 */
export function useAuditNames(entries: readonly AuditLog[], people: readonly User[]): AuditNames {
  const refs = useMemo(() => entryRefs(entries), [entries]);
  const keys = useAsync(allKeys, []);
  const keysById = useMemo(() => {
    const created = createdKeySpaces(entries);
    return new Map((keys.data ?? []).map((k) => [k.id, keyName(k, created)]));
  }, [keys.data, entries]);
  const peopleById = useMemo(() => new Map(people.map((u) => [u.id, u])), [people]);

  const keySpaces = refs.keys.flatMap((id) => keysById.get(id)?.spaceIds ?? []).map((id) => ['space', id] as const);
  const resourceName = useResourceNames([...refs.resources, ...keySpaces]);
  const others = useLookup(
    refs.users.filter((id) => !peopleById.has(id)),
    (id) => api.users.get(id).then((u) => JSON.stringify({ name: u.name, email: u.email }), () => null),
  );

  const created = useLookup(refs.created.map((c) => JSON.stringify([c.kind, c.name, c.parentId ?? ''])), (key) => {
    const [kind, name, parentId] = JSON.parse(key) as [CreatedRef['kind'], string, string];
    return createdId({ kind, name, parentId: parentId || undefined }).catch(() => null);
  });

  return {
    named: (kind, name, parentId) => created.get(JSON.stringify([kind, name, parentId ?? ''])) ?? undefined,
    user: (id) => {
      const u = peopleById.get(id);
      if (u) return u;
      const other = others.get(id);
      return other ? (JSON.parse(other) as { name: string; email: string }) : undefined;
    },
    resource: (kind: ResourceKind, id: string) => resourceName(kind, id),
    key: (id) => keysById.get(id),
  };
}
