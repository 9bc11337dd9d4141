import { useEffect, useState } from 'react';
import { api } from './api.js';

export type ResourceKind = 'organization' | 'space' | 'project' | 'role';

const GET: Readonly<Record<ResourceKind, (id: string) => Promise<{ name: string }>>> = {
  organization: (id) => api.organizations.get(id),
  space: (id) => api.spaces.get(id),
  project: (id) => api.projects.get(id),
  role: (id) => api.roles.get(id),
};

/** Names by `lookup`, each key asked once while the component lives; `null` when it is gone or not visible. */
export function useLookup(wanted: readonly string[], lookup: (key: string) => Promise<string | null>): ReadonlyMap<string, string | null> {
  const [known, setKnown] = useState<ReadonlyMap<string, string | null>>(new Map());
  const signature = [...new Set(wanted)].sort().join('\n');
  useEffect(() => {
    const missing = signature ? signature.split('\n').filter((key) => !known.has(key)) : [];
    if (missing.length === 0) return;
    let live = true;
    Promise.all(missing.map(lookup)).then((names) => {
      if (!live) return;
      setKnown((prev) => new Map([...prev, ...missing.map((key, i) => [key, names[i] ?? null] as const)]));
    });
    return () => {
      live = false;
    };
  }, [signature]);
  return known;
}

export type ResourceNames = (kind: ResourceKind, id: string) => string | undefined;

/** The names of organizations, spaces, projects and roles by id (one GET each), for sentences about them. */
export function useResourceNames(refs: readonly (readonly [ResourceKind, string])[]): ResourceNames {
  const known = useLookup(
    refs.map(([kind, id]) => `${kind}:${id}`),
    (ref) => {
      const i = ref.indexOf(':');
      return GET[ref.slice(0, i) as ResourceKind](ref.slice(i + 1)).then((r) => r.name, () => null);
    },
  );
  return (kind, id) => known.get(`${kind}:${id}`) ?? undefined;
}
