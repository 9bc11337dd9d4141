import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DialectName, isPostgresUrl } from './dialect.js';
import { prepareDataDir } from './data-dir.js';
import { surviveConnectionLoss } from './postgres/connection-loss.js';
import { keepStatements } from './postgres/kept-statements.js';
import { enforceQueryDeadline, type QueryDeadline } from './postgres/query-deadline.js';
import type { Database } from './schema.js';
import { registerAuditEntryHash } from './sqlite/audit-hash-function.js';
import { BUSY_TIMEOUT_MS } from './sqlite/busy-timeout.js';
import { ImmediateSqliteDialect } from './sqlite/immediate-transactions.js';
import { withStatementCache } from './sqlite/sqlite-statement-cache.js';
import { writeVersionOf } from './sqlite/sqlite-write-version.js';

export interface StoreOptions {
  /** Folder of the SQLite file `ax.db` (default backend). */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL. */
  databaseUrl?: string | undefined;
  /** PostgreSQL: told when the database ends an idle pooled connection, which the pool then replaces (connection-loss.ts). */
  onConnectionLost?: (error: Error) => void;
  /**
   * PostgreSQL: how long a query waits for a connection (a new one, or a free one of the pool) before it fails; no
   * limit when undefined. A database host that drops packets instead of refusing them held requests for minutes.
   */
  connectTimeoutMs?: number | undefined;
  /**
   * PostgreSQL: a statement unanswered this long ends its connection and fails (postgres/query-deadline.ts), once
   * startQueryDeadline() has been called; no limit when undefined.
   */
  queryTimeoutMs?: number | undefined;
}

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The pg pool, for LISTEN/NOTIFY; undefined on SQLite. */
  pool: pg.Pool | undefined;
  /**
   * SQLite: a value that moves with every write to the database (see writeVersionOf); undefined on PostgreSQL, whose
   * other processes write unseen.
   */
  writeVersion: (() => string) | undefined;
  /** PostgreSQL: statements are timed from now on (StoreOptions.queryTimeoutMs); schema migrations run before this. */
  startQueryDeadline(): void;
  close(): Promise<void>;
}

// int8 (count(*), sums) arrives as a string from pg; every such value here is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl)) {
      throw new Error(`DATABASE_URL must be a postgres:// URL (got ${options.databaseUrl.split(':')[0]}:…)`);
    }
    // keepAlive: TCP probes on connections idle past the operating system's idle time (2 h by default); a silent death
    // is noticed much sooner by the query deadline and by the LISTEN connection's heartbeat (postgres-change-feed.ts).
    // jit off: every query here is a short OLTP read or write, and PostgreSQL's JIT, which it switches on by cost
    // estimate, spent ~200 ms compiling a SCIM list over 100 000 users that then ran in a few ms.
    const pool = new pg.Pool({
      connectionString: options.databaseUrl, max: 10, keepAlive: true, options: '-c jit=off',
      ...(options.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.connectTimeoutMs }),
    });
    keepStatements(pool);
    const deadline: QueryDeadline = { on: false };
    if (options.queryTimeoutMs !== undefined) enforceQueryDeadline(pool, options.queryTimeoutMs, deadline);
    surviveConnectionLoss(pool, options.onConnectionLost ?? (() => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db, dialect: 'postgres', pool, writeVersion: undefined, startQueryDeadline: () => { deadline.on = true; }, close: () => db.destroy(),
    };
  }
  prepareDataDir(options.dataDir);
  const path = join(options.dataDir, 'ax.db');
  // The database and its -wal/-shm files hold password hashes and emails: created 0600 (SQLite gives the -wal and
  // -shm files the database file's mode), and files an earlier version created 0644 are narrowed. umask is
  // process-wide, but nothing else runs while these synchronous calls do.
  const previousUmask = process.umask(0o077);
  let file: SQLite.Database;
  try {
    file = new SQLite(path);
    file.pragma('journal_mode = WAL');
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
    }
  } finally {
    process.umask(previousUmask);
  }
  file.pragma('foreign_keys = ON');
  file.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  file.pragma('synchronous = NORMAL');
  registerAuditEntryHash(file);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }) });
  return { db, dialect: 'sqlite', pool: undefined, writeVersion: writeVersionOf(file), startQueryDeadline: () => undefined, close: () => db.destroy() };
}
