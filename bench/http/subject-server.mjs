// The real server (the build's bundle, dist/server/start-server.bundle.mjs) in its own process, as `ax serve` runs
// it: plain JavaScript, so no TypeScript loader sits in the process (tsx alone holds ~25 MB, which bench/memory would
// bill to the server); configured by the environment (AX_DATA_DIR, DATABASE_URL, AX_KEY_PEPPER, …); prints its URL
// for the bench that spawned it (bench/lib/seeded-server.ts).
// BENCH_CPU_PROFILE=<file>: a V8 CPU profile of the serving process from SIGUSR2 (sent after the warm-up) to SIGTERM,
// written there (bench/http/profile-route.ts; --cpu-prof itself is refused in NODE_OPTIONS, and would profile the start).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startServer } from '../../dist/server/start-server.bundle.mjs';

const profileFile = process.env.BENCH_CPU_PROFILE;
const profiler = profileFile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  process.once('SIGUSR2', () => void profiler.post('Profiler.start'));
}
const server = await startServer({ host: '127.0.0.1', port: 0, handleSignals: !profiler });
if (profiler) {
  process.once('SIGTERM', () => void (async () => {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    await server.close();
    process.exit(0);
  })());
}
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
