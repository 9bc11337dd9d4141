import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/**
 * An in-process test server for the file's tests, with its access snapshot rebuilds counted (the diagnostics channel
 * the /metrics histogram reads): `builds()` so far. The server is started before the tests and closed after them.
 */
export function serverCountingSnapshotBuilds(options: TestServerOptions = {}): { server: () => TestServer; builds: () => number } {
  let server: TestServer | undefined;
  let builds = 0;
  const counted = () => { builds++; };
  beforeAll(async () => {
    server = await startTestServer(options);
    subscribe('ax:access.snapshot-build', counted);
  });
  afterAll(async () => {
    unsubscribe('ax:access.snapshot-build', counted);
    await server?.close();
  });
  return { server: () => server!, builds: () => builds };
}
