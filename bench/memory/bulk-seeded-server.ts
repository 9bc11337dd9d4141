import SQLite from 'better-sqlite3';
import type { WorldInput } from '../../src/access/index.js';
import { seedWorld } from '../lib/seed-world.js';
import { startSeededServer, type SeededServer, type SeededServerOptions, type WorldSizes } from '../lib/seeded-server.js';

export interface BulkSeededServer {
  server: SeededServer;
  /** The whole world, bindings included (`server.world` has none). */
  world: WorldInput;
  /** Seeding in all: startSeededServer's, then the bindings'. */
  seedSeconds: number;
}

/**
 * startSeededServer's server and database, with the role bindings written by insertBindingsInBulk instead of
 * insertWorld: at 1M bindings insertWorld took 38–69 s here, almost all of it in the bindings' foreign-key checks
 * and random-order index inserts. The server starts on the world without bindings (seedWorld draws the bindings
 * last, so every other row is the same), then the bindings go into its SQLite file before any request: the server
 * reads the access tables only when its first request needs the snapshot. The database ends as insertWorld leaves it.
 */
export async function startBulkSeededServer(options: Omit<SeededServerOptions, 'sizes' | 'postgresUrl'> & { sizes: WorldSizes }): Promise<BulkSeededServer> {
  const server = await startSeededServer({ ...options, sizes: { ...options.sizes, bindings: 0 } });
  try {
    const t0 = process.hrtime.bigint();
    const world = seedWorld(options.sizes);
    insertBindingsInBulk(server.sqliteFile!, world);
    return { server, world, seedSeconds: server.seedSeconds + Number(process.hrtime.bigint() - t0) / 1e9 };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Writes the world's role bindings in one transaction, with foreign-key checks off on this connection (seedWorld's
 * rows refer to its own users, roles, spaces and projects by construction) and the table's indexes dropped and then
 * rebuilt from their own definitions in sqlite_master, so the schema is unchanged; then the WAL is checkpointed and
 * emptied. 1M rows: ~6 s.
 */
function insertBindingsInBulk(sqliteFile: string, world: WorldInput): void {
  const db = new SQLite(sqliteFile);
  try {
    db.pragma('foreign_keys = OFF');
    db.pragma('busy_timeout = 5000');
    const now = new Date().toISOString();
    db.transaction(() => {
      const indexes = db.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'role_bindings' and sql is not null")
        .all() as { name: string; sql: string }[];
      for (const index of indexes) db.exec(`drop index "${index.name}"`);
      const insert = db.prepare(`insert into role_bindings (id, account_id, user_id, role_id, resource_type, space_id, project_id, created_at, updated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const b of world.roleBindings) {
        const onSpace = b.resourceType === 'SPACE';
        insert.run(b.id, world.accountId, b.userId, b.roleId, b.resourceType, onSpace ? b.resourceId : null, onSpace ? null : b.resourceId, now, now);
      }
      for (const index of indexes) db.exec(index.sql);
    })();
    // The transaction's ~130 MB of WAL (1M bindings) would otherwise stay until the server's next write, and every
    // page the server reads would be looked up in it: insertWorld's commits leave the WAL checkpointed and small.
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (checkpoint?.busy !== 0) throw new Error('the bindings\' WAL could not be checkpointed: the server holds a read transaction');
  } finally {
    db.close();
  }
}
