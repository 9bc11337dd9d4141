import { Command } from 'commander';
import { action } from '../action.js';
import { CliError } from '../errors/cli-error.js';
import { withForce } from '../options/common.js';

function withDataDir(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'the server\'s data directory (default: AX_DATA_DIR, else ./data)')
    .option('--database-url <url>', 'postgres://… (refused: back up PostgreSQL with pg_dump) (default: DATABASE_URL)')
    .option('--config <file>', 'the server\'s configuration file (default: AX_CONFIG, else ./ax.toml if it exists)')
    .option('-v, --verbose', 'on errors, show the full cause');
}

interface DataDirFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

/** The server's modules are loaded only here, as for `ax serve`: no other command pays for the database driver. */
const adminDatabase = () => import('../../server/admin-database.js');

/** An operator's refusal or a failed file operation, as `✗ Error:` with a suggestion (exit 1). */
async function asCliError<T>(run: () => Promise<T> | T): Promise<T> {
  const { AdminRefusal } = await adminDatabase();
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdminRefusal) throw new CliError(error.message, { suggestion: error.suggestion });
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message, { suggestion: 'Check the path and the data directory (--data-dir or AX_DATA_DIR).' });
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1)} MB`;
}

export function build(): Command {
  const admin = new Command('admin');

  withDataDir(admin.command('backup').description('Copy the SQLite database to FILE, consistently, while the server runs'))
    .argument('<file>', 'where to write the backup (a new file; replaced only with --force)')
    .option('-f, --force', 'replace FILE if it exists')
    .action(action(async (ctx, file: string) => {
      const opts = ctx.opts<DataDirFlags>();
      const { existsSync } = await import('node:fs');
      if (existsSync(file) && !opts.force) throw new CliError(`${file} already exists`, { suggestion: 'Pick a new file name, or add --force to replace it.' });
      const { backupDatabase } = await adminDatabase();
      const result = await asCliError(() => backupDatabase({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, configFile: opts.config, env: ctx.env }, file));
      ctx.printer.success(`Backed up ${result.dataDir}/ax.db to ${result.file}: ${megabytes(result.bytes)}, ${result.pages} pages, integrity check ok, in ${result.milliseconds} ms`);
      ctx.printer.info('Keep the secrets of the data directory (key-pepper, token-key, audit-signing-key, or the variables that replace them) apart from this file: the backup does not hold them, and a restored database needs them.');
    }, { offline: true }));

  withForce(withDataDir(admin.command('restore').description('Replace a stopped server\'s SQLite database with a backup')))
    .argument('<file>', 'a file written by ax admin backup')
    .action(action(async (ctx, file: string) => {
      const opts = ctx.opts<DataDirFlags>();
      const { restoreDatabase } = await adminDatabase();
      const result = await asCliError(() => restoreDatabase({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, configFile: opts.config, env: ctx.env }, file, { force: Boolean(opts.force) }));
      ctx.printer.success(`Restored ${file} into ${result.dataDir}/ax.db (${megabytes(result.bytes)}); start the server to use it`);
      if (result.missingSecrets.length > 0) {
        ctx.printer.warn(`${result.dataDir} has no ${result.missingSecrets.join(', ')} file: put back the ones this database was used with (or set the variables that replace them), or the server will refuse to start.`);
      }
    }, { offline: true }));

  return admin;
}
