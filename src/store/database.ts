import { chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
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
  /**
   * Runs a read of a whole account (the access snapshot's load). On SQLite the page cache is held at SQLite's default
   * size meanwhile: the rows read would fill it (SQLITE_PAGE_CACHE_BYTES) with pages no request asks for again, and
   * memory SQLite gives back stays with the process. Nothing changes on PostgreSQL.
   */
  bulkRead<T>(read: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The SQLite connection's page cache: 64 MiB where SQLite's default is 2 MiB. A write touches index pages at random
 * places (a binding's (user, space) pair, the audit row's indexes); with the default cache they were read again from
 * the operating system on most writes: POST /v2/role-bindings on the 10k-user bench world served 1.9k/s, 4.1k/s with
 * this cache (2 cores). The cache fills only as pages are read, and not past 2 MiB during a bulk read (Store.bulkRead).
 */
const SQLITE_PAGE_CACHE_BYTES = 64 * 1024 * 1024;

/** SQLite's own default page cache (2 MiB), for bulk reads. */
const SQLITE_DEFAULT_CACHE_BYTES = 2 * 1024 * 1024;

/** Store.bulkRead on SQLite: the cache held small while any bulk read runs (they may overlap: one per account). */
function heldCacheReads(file: SQLite.Database): Store['bulkRead'] {
  let running = 0;
  const cacheSize = (bytes: number) => file.pragma(`cache_size = -${bytes / 1024}`);
  return async (read) => {
    if (running++ === 0) cacheSize(SQLITE_DEFAULT_CACHE_BYTES);
    try {
      return await read();
    } finally {
      if (--running === 0) cacheSize(SQLITE_PAGE_CACHE_BYTES);
    }
  };
}

const requireHere = createRequire(import.meta.url);
let pgModule: typeof pg | undefined;

/**
 * The PostgreSQL driver, loaded when a server first opens a PostgreSQL store: loading it was ~55 ms of every
 * SQLite server's start, which never uses it.
 */
function postgresDriver(): typeof pg {
  if (!pgModule) {
    pgModule = requireHere('pg') as typeof pg;
    // int8 (count(*), sums) arrives as a string from pg; every such value here is far below 2^53.
    pgModule.types.setTypeParser(20, (v) => Number(v));
  }
  return pgModule;
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl)) {
      throw new Error(`DATABASE_URL must be a postgres:// URL (got ${options.databaseUrl.split(':')[0]}:…)`);
    }
    // keepAlive: TCP probes on connections idle past the operating system's idle time (2 h by default); a silent death
    // is noticed much sooner by the query deadline and by the LISTEN connection's heartbeat (postgres-change-feed.ts).
    // jit off: every query here is a short OLTP read or write, and PostgreSQL's JIT, which it switches on by cost
    // estimate, spent ~200 ms compiling a SCIM list over 100 000 users that then ran in a few ms.
    const pool = new (postgresDriver().Pool)({
      connectionString: options.databaseUrl, max: 10, keepAlive: true, options: '-c jit=off',
      ...(options.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.connectTimeoutMs }),
    });
    keepStatements(pool);
    const deadline: QueryDeadline = { on: false };
    if (options.queryTimeoutMs !== undefined) enforceQueryDeadline(pool, options.queryTimeoutMs, deadline);
    surviveConnectionLoss(pool, options.onConnectionLost ?? (() => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db, dialect: 'postgres', pool, writeVersion: undefined, startQueryDeadline: () => { deadline.on = true; }, bulkRead: (read) => read(),
      close: () => db.destroy(),
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
  file.pragma(`cache_size = -${SQLITE_PAGE_CACHE_BYTES / 1024}`);
  registerAuditEntryHash(file);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }) });
  return {
    db, dialect: 'sqlite', pool: undefined, writeVersion: writeVersionOf(file), startQueryDeadline: () => undefined,
    bulkRead: heldCacheReads(file), close: () => db.destroy(),
  };
}
