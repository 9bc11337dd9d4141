import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigOverrides } from '../config/config.js';
import { loadConfiguration } from '../config/config-file.js';
import { prepareDataDir } from '../store/data-dir.js';
import { serverUsingDataDir } from '../store/data-dir-owner.js';
import { type BackupResult, backupSqlite, restoreSqlite } from '../store/sqlite/sqlite-backup.js';

/** A refusal the operator can act on: `suggestion` says how. */
export class AdminRefusal extends Error {
  override name = 'AdminRefusal';
  constructor(message: string, readonly suggestion: string) {
    super(message);
  }
}

type Target = Pick<ConfigOverrides, 'dataDir' | 'databaseUrl'> & { configFile?: string | undefined; env: NodeJS.ProcessEnv };

const PG_DUMP = 'Back up PostgreSQL with its own tools: pg_dump --format=custom (see "Backups" in docs/operating.md).';

/**
 * `ax admin backup FILE`: opens the data directory's SQLite database itself, beside a server that may be running
 * (no admin endpoint: the backup needs the file system of the data directory anyway, and a server endpoint that
 * hands out the whole database would be one more thing to protect).
 */
export async function backupDatabase(target: Target, file: string): Promise<BackupResult & { dataDir: string }> {
  const { config } = loadConfiguration(target, target.env);
  if (config.databaseUrl) throw new AdminRefusal('this deployment uses PostgreSQL (DATABASE_URL); ax admin backup copies SQLite databases', PG_DUMP);
  return { ...(await backupSqlite(config.dataDir, file)), dataDir: config.dataDir };
}

export interface RestoreResult {
  dataDir: string;
  bytes: number;
  /** The secrets that protect the restored database and are neither in the data directory nor the environment. */
  missingSecrets: string[];
}

/** `ax admin restore FILE`: into a data directory no server is using; replacing a database needs `force`. */
export function restoreDatabase(target: Target, file: string, options: { force: boolean }): RestoreResult {
  const { config } = loadConfiguration(target, target.env);
  if (config.databaseUrl) throw new AdminRefusal('this deployment uses PostgreSQL (DATABASE_URL); ax admin restore restores SQLite databases', 'Restore PostgreSQL with pg_restore (see "Backups" in docs/operating.md).');
  prepareDataDir(config.dataDir);
  const server = serverUsingDataDir(config.dataDir);
  if (server) {
    throw new AdminRefusal(
      `a server (pid ${server.pid} on ${server.host}) is using ${config.dataDir}`,
      `Stop it first (restore replaces its database). If it is not running, delete ${server.file}.`,
    );
  }
  if (existsSync(join(config.dataDir, 'ax.db')) && !options.force) {
    throw new AdminRefusal(`${config.dataDir} already holds a database; restoring replaces it`, 'Add --force to replace it (take a backup of it first if it may be needed).');
  }
  const { bytes } = restoreSqlite(file, config.dataDir);
  const missingSecrets = [
    { file: 'key-pepper', env: config.keyPepper },
    { file: 'token-key', env: config.tokenKey },
    { file: 'audit-signing-key', env: config.auditSigningKey },
  ].filter((secret) => secret.env === undefined && !existsSync(join(config.dataDir, secret.file))).map((secret) => secret.file);
  return { dataDir: config.dataDir, bytes, missingSecrets };
}
