import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ListeningProcess, spawnListening } from '../lib/listening-process.js';
import type { CapturedQuery } from './captured-query.js';

/** What the bare Fastify peer (bare-server.ts) serves. */
export interface BareServerConfig {
  /** GET /fixture/<name> answers the object as it is: the subject's own answer, so both send the same bytes. */
  fixtures: Record<string, unknown>;
  /**
   * The server's policies on every answer, none of its work: its connection deadlines and random request ids
   * (src/http/connection-options.ts, at their defaults) and its answer headers (nosniff, no-store, x-request-id:
   * src/http/plugins/security-headers.ts). What B5-policies measures.
   */
  policies?: boolean;
  /**
   * Microseconds each fixture request keeps the CPU busy before it is answered: a bare route with that much work of
   * its own (bench/http/work-equivalent.ts).
   */
  busyMicros?: number;
  /** The PostgreSQL peers: the server's own statements run with bare `pg` on the server's database. */
  postgres?: {
    url: string;
    /** GET /pg/space: the server's point read of a space. */
    spaceRead?: CapturedQuery;
    /** GET /pg/users: the server's page-1 query of GET /v2/users (limit + 1 rows) and the page's fixed next_cursor. */
    usersPage?: CapturedQuery & { limit: number; nextCursor: string };
    /** POST /pg/role-bindings: a binding row and its audit row in one transaction, as this actor. */
    bindingActorUserId?: number;
  };
}

/** The peer process, with its configuration handed over in a temporary file; `launcher` as spawnListening's. */
export async function startBareServer(config: BareServerConfig, launcher: string[] = []): Promise<ListeningProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-bare-'));
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config));
  try {
    return await spawnListening(fileURLToPath(new URL('./bare-server.ts', import.meta.url)), { BARE_CONFIG: file }, launcher);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
