import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from './api.js';

/** The server's bound on the questions of one POST /v2/access/checks. */
const BATCH = 100;

/**
 * Permission checks for the signed-in user, asked in batches: every question raised while a page renders (its
 * buttons, its table rows) goes out in one POST /v2/access/checks. The provider is keyed by the route, so every
 * page starts a fresh cache, and rows that ask the same question share one answer.
 */
class AccessChecker {
  private readonly cache = new Map<string, Promise<boolean>>();
  private pending: { permission: string; resourceId: string; settle: (allowed: boolean) => void }[] = [];

  constructor(private readonly userId: string) {}

  check(permission: string, resourceId: string): Promise<boolean> {
    const key = pairKey(permission, resourceId);
    let result = this.cache.get(key);
    if (!result) {
      result = new Promise<boolean>((settle) => {
        if (this.pending.length === 0) queueMicrotask(() => this.flush());
        this.pending.push({ permission, resourceId, settle });
      });
      this.cache.set(key, result);
    }
    return result;
  }

  private flush(): void {
    const questions = this.pending;
    this.pending = [];
    for (let i = 0; i < questions.length; i += BATCH) {
      const batch = questions.slice(i, i + BATCH);
      api.access
        .checks({ checks: batch.map((q) => ({ user_id: this.userId, permission: q.permission, resource_id: q.resourceId })) })
        .then(
          ({ results }) => batch.forEach((q, j) => q.settle(results[j]?.allowed === true)),
          () => batch.forEach((q) => q.settle(false)),
        );
    }
  }
}

function pairKey(permission: string, resourceId: string): string {
  return `${permission}\u0000${resourceId}`;
}

interface AccessState {
  checker: AccessChecker;
  /** Drops every cached answer, so the page asks again after a change that moves permissions (a restriction). */
  refresh: () => void;
}

const AccessContext = createContext<AccessState | null>(null);

export function AccessProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [generation, setGeneration] = useState(0);
  const state = useMemo<AccessState>(
    // generation is in the deps so that refresh() builds a checker with an empty cache.
    () => ({ checker: new AccessChecker(userId), refresh: () => setGeneration((g) => g + 1) }),
    [userId, generation],
  );
  return <AccessContext.Provider value={state}>{children}</AccessContext.Provider>;
}

export type PermissionPair = readonly [permission: string, resourceId: string | undefined];

export interface Can {
  /** False until the answer is known, so an action appears only once it is allowed. */
  can: (permission: string, resourceId: string | undefined) => boolean;
  ready: boolean;
  /** Asks every question of the page again. */
  refresh: () => void;
}

/** Asks for every pair (pairs with no resource yet are skipped) and re-renders as answers arrive. */
export function useCan(pairs: readonly PermissionPair[]): Can {
  const access = useContext(AccessContext);
  if (!access) throw new Error('useCan outside AccessProvider');
  const { checker, refresh } = access;
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
    refresh,
  };
}
