import {
  CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver, type TransactionSettings,
} from 'kysely';

/**
 * Kysely's SQLite dialect, with transactions that take the database's write lock as they begin (`BEGIN IMMEDIATE`)
 * unless they are declared read only (`setAccessMode('read only')`: a plain, deferred `BEGIN`).
 *
 * A deferred transaction that reads and then writes cannot take the write lock when another process wrote in between
 * (SQLITE_BUSY, which busy_timeout does not wait out). A grant reads the account's access version and must write on
 * it unchanged: with the lock taken at BEGIN, that read is held until the commit without a write of its own, and the
 * version arrives in the statement that reads the grant's other rows (one statement, as on PostgreSQL). Every change
 * of the server is such a transaction; one process serves a data directory (data-dir-owner.ts), whose single
 * connection runs one transaction at a time anyway, so a read that forgets to say it is read only costs nothing there.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }
}
