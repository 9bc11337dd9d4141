import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { access } from '../api/endpoints.js';

/**
 * Permission checks for the signed-in user, one POST /v2/access/check per (permission, resource) pair and
 * page: the provider is keyed by the route, so every page render starts a fresh cache and table rows that
 * ask the same question share one request.
 */
class AccessChecker {
  private readonly cache = new Map<string, Promise<boolean>>();

  constructor(private readonly userId: string) {}

  check(permission: string, resourceId: string): Promise<boolean> {
    const key = pairKey(permission, resourceId);
    let result = this.cache.get(key);
    if (!result) {
      result = access.check(this.userId, permission, resourceId).then(
        (r) => r.allowed,
        () => false,
      );
      this.cache.set(key, result);
    }
    return result;
  }
}

function pairKey(permission: string, resourceId: string): string {
  return `${permission}\u0000${resourceId}`;
}

const AccessContext = createContext<AccessChecker | null>(null);

export function AccessProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const checker = useMemo(() => new AccessChecker(userId), [userId]);
  return <AccessContext.Provider value={checker}>{children}</AccessContext.Provider>;
}

export type PermissionPair = readonly [permission: string, resourceId: string | undefined];

export interface Can {
  /** False until the answer is known, so an action appears only once it is allowed. */
  can: (permission: string, resourceId: string | undefined) => boolean;
  ready: boolean;
}

/** Asks for every pair (pairs with no resource yet are skipped) and re-renders as answers arrive. */
export function useCan(pairs: readonly PermissionPair[]): Can {
  const checker = useContext(AccessContext);
  if (!checker) throw new Error('useCan outside AccessProvider');
  const keys = [...new Set(pairs.filter(([, r]) => r).map(([p, r]) => pairKey(p, r as string)))].sort();
  const signature = keys.join('\u0001');
  const [results, setResults] = useState<ReadonlyMap<string, boolean>>(new Map());

  useEffect(() => {
    let live = true;
    const wanted = signature ? signature.split('\u0001') : [];
    Promise.all(
      wanted.map((key) => {
        const [permission, resourceId] = key.split('\u0000') as [string, string];
        return checker.check(permission, resourceId);
      }),
    ).then((answers) => {
      if (live) setResults(new Map(wanted.map((key, i) => [key, answers[i] === true])));
    });
    return () => {
      live = false;
    };
  }, [checker, signature]);

  return {
    can: (permission, resourceId) => (resourceId ? results.get(pairKey(permission, resourceId)) === true : false),
    ready: keys.every((k) => results.has(k)),
  };
}
