import { useEffect, useState } from 'react';
import { api } from './api.js';
import type { User } from '../../../src/client/types.js';

/**
 * Looks users up by id (GET /v2/users/{id}), each id once per mounted component; `null` when the caller may
 * not see that user (bot users, other tenants' ids), so callers fall back to showing the id.
 */
export function useUsersById(ids: readonly string[]): ReadonlyMap<string, User | null> {
  const [known, setKnown] = useState<ReadonlyMap<string, User | null>>(new Map());
  const signature = [...new Set(ids)].sort().join(',');

  useEffect(() => {
    const missing = signature ? signature.split(',').filter((id) => !known.has(id)) : [];
    if (missing.length === 0) return;
    let live = true;
    Promise.all(missing.map((id) => api.users.get(id).then((u) => u, () => null))).then((found) => {
      if (!live) return;
      setKnown((prev) => {
        const next = new Map(prev);
        missing.forEach((id, i) => next.set(id, found[i] ?? null));
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [signature]);

  return known;
}
