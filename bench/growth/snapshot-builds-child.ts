// The snapshot builds' own process (snapshot-builds-process.ts): opens each account's store as the server does,
// times the server's AccessCache rebuilding its snapshot (invalidate, then get: loadAccessState through
// Store.bulkRead and AccessSnapshot.build) and counts the process's minor page faults during each, sizes alternating
// by round, and answers the times and the faults once.
import { AccessCache } from '../../src/services/access-cache.js';
import { openStore } from '../../src/store/database.js';
import { alternate, percentile, timeMs } from '../lib/harness.js';
import type { SnapshotBuildsRequest } from './snapshot-builds-process.js';

process.once('message', (request: SnapshotBuildsRequest) => {
  measure(request).then(
    (answer) => process.send!(answer),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});

async function measure({ accounts, rounds }: SnapshotBuildsRequest) {
  const opened = accounts.map((a) => {
    const store = openStore({ dataDir: a.dataDir });
    return { ...a, store, cache: new AccessCache(store.db, undefined, store.bulkRead) };
  });
  try {
    const faults = new Map(opened.map((a) => [a.key, [] as number[]]));
    const builds = await alternate(Object.fromEntries(opened.map((a) => [a.key, async () => {
      const before = process.resourceUsage().minorPageFault;
      const ms = await timeMs(async () => {
        a.cache.invalidate(a.accountId);
        const snapshot = await a.cache.get(a.accountId);
        if (snapshot.bindings.size !== a.bindings) throw new Error(`the snapshot holds ${snapshot.bindings.size} role bindings, the seed world ${a.bindings}`);
      });
      faults.get(a.key)!.push(process.resourceUsage().minorPageFault - before);
      return ms;
    }])), rounds);
    // The first round was alternate()'s warm-up.
    return { builds, faults: Object.fromEntries([...faults].map(([key, counts]) => [key, percentile(counts.slice(1), 50)])) };
  } finally {
    for (const a of opened) await a.store.close();
  }
}
