import { chmodSync, copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { migrationNames } from '../migrator.js';
import { BUSY_TIMEOUT_MS } from './busy-timeout.js';

/** The database file in a data directory (src/store/database.ts opens the same). */
const DATABASE_FILE = 'ax.db';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  milliseconds: number;
}

/**
 * A consistent copy of `<dataDir>/ax.db` at `file`, taken with SQLite's online backup API while a server may be
 * writing. The whole database is copied in one step, under one read transaction: in WAL mode writers go on
 * meanwhile, and the copy holds exactly the transactions committed before it began (a step per chunk would restart
 * at every write of another connection and might never finish under load). The copy is checked
 * (`PRAGMA integrity_check`), switched to a rollback journal so it is one self-contained file, created 0600 and
 * moved into place only when whole. It holds password hashes and emails, but not the key pepper or token key.
 */
export async function backupSqlite(dataDir: string, file: string): Promise<BackupResult> {
  const started = performance.now();
  const source = join(dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new Error(`there is no database in ${dataDir} (no ${DATABASE_FILE}); check --data-dir or AX_DATA_DIR`);
  const temporary = `${file}.partial-${process.pid}`;
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const previousUmask = process.umask(0o077);
    let pages: number;
    try {
      ({ totalPages: pages } = await db.backup(temporary, { progress: ({ totalPages }) => Math.max(totalPages, 100) }));
    } finally {
      process.umask(previousUmask);
    }
    checkBackup(temporary, { singleFile: true, knownSchema: false });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
    return { file, bytes: statSync(file).size, pages, milliseconds: Math.round(performance.now() - started) };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Puts the backup `file` in place as `<dataDir>/ax.db`, for a server that is not running (the caller checks). The
 * file must pass `PRAGMA integrity_check`, be an ax database, and have no migration this version does not know;
 * it is copied beside the database and renamed over it, and the old database's -wal/-shm files are removed first
 * so that none of their pages is replayed onto the restored copy.
 */
export function restoreSqlite(file: string, dataDir: string): { bytes: number } {
  if (!existsSync(file)) throw new Error(`the backup file ${file} does not exist`);
  checkBackup(file, { singleFile: false, knownSchema: true });
  const target = join(dataDir, DATABASE_FILE);
  const temporary = `${target}.restoring-${process.pid}`;
  const previousUmask = process.umask(0o077);
  try {
    copyFileSync(file, temporary);
    chmodSync(temporary, 0o600);
    for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    process.umask(previousUmask);
  }
  return { bytes: statSync(target).size };
}

/**
 * Refuses a file that is not an intact ax database; `knownSchema`: also one with a migration this version does not
 * know; `singleFile`: switches it to a rollback journal (a copy of a WAL database would want a -wal file beside it).
 */
function checkBackup(file: string, options: { singleFile: boolean; knownSchema: boolean }): void {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: !options.singleFile, fileMustExist: true });
  } catch (error) {
    throw new Error(`${file} cannot be opened as a SQLite database (${(error as Error).message})`);
  }
  try {
    const result = db.pragma('integrity_check', { simple: true }) as string;
    if (result !== 'ok') throw new Error(`${file} fails SQLite's integrity check: ${result}`);
    const hasMigrations = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    if (!hasMigrations) throw new Error(`${file} is a SQLite database but not one of ax (it has no migration table)`);
    if (options.knownSchema) {
      const known = new Set(migrationNames());
      const unknown = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[])
        .map((row) => row.name).filter((name) => !known.has(name));
      if (unknown.length > 0) throw new Error(`${file} comes from a newer version of ax (migrations ${unknown.join(', ')}); restore it with that version or a later one`);
    }
    if (options.singleFile) db.pragma('journal_mode = DELETE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`${file} is not a SQLite database`);
    throw error;
  } finally {
    db.close();
  }
}
