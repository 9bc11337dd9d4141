import { Command } from 'commander';
import { CliError } from '../errors/cli-error.js';
import { integerIn } from '../options/values.js';
import { action } from '../action.js';

export function build(): Command {
  return new Command('serve')
    .option('--host <host>', 'address to listen on (default: AX_HOST, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default: AX_PORT, else 8080)', integerIn(0, 65_535))
    .option('--data-dir <dir>', 'where the SQLite database and bootstrap secrets live (default: AX_DATA_DIR, else ./data)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL instead of SQLite (default: DATABASE_URL)')
    .option('--config <file>', 'a configuration file (TOML; default: AX_CONFIG, else ./ax.toml if it exists)')
    .option('--print-config', 'print the effective configuration (secrets masked) and exit')
    .option('--migrate-only', 'apply pending database migrations and exit, without serving (once, before starting the servers of a rollout)')
    .option('--no-auto-migrate', 'refuse to start while a migration is pending instead of applying it (default: AX_AUTO_MIGRATE, else migrate)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{
        host?: string; port?: number; dataDir?: string; databaseUrl?: string; config?: string; printConfig?: boolean; migrateOnly?: boolean;
        autoMigrate: boolean;
      }>();
      // The server is loaded only here: no other command pays for Fastify and the database drivers.
      const overrides = {
        host: opts.host, port: opts.port, dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, configFile: opts.config,
        // Only the flag overrides AX_AUTO_MIGRATE (commander's default `true` is not a choice).
        autoMigrate: opts.autoMigrate ? undefined : false,
      };
      if (opts.printConfig) {
        const { describeConfig } = await import('../../server/print-config.js');
        let text: string;
        try {
          text = describeConfig(overrides, ctx.env);
        } catch (error) {
          throw new CliError(`the configuration is not valid: ${(error as Error).message}`, { suggestion: 'Fix the setting it names (flag, variable or configuration file).' });
        }
        ctx.printer.line(text.trimEnd());
        return;
      }
      try {
        if (opts.migrateOnly) {
          const { migrateOnly } = await import('../../server/migrate-only.js');
          const { applied, latest } = await migrateOnly(overrides);
          ctx.printer.success(applied.length === 0
            ? `The database schema is current (${latest}); no migration was pending`
            : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.join(', ')}; the schema is now at ${latest}`);
          return;
        }
        const { startServer } = await import('../../server/start-server.js');
        await startServer(overrides);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const message = code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message;
        throw new CliError(`${opts.migrateOnly ? 'the migration stopped' : 'the server could not start'}: ${message}`, {
          suggestion: code === 'EADDRINUSE' ? 'Pick another port with --port, or stop the process using it.' : 'Run with --verbose, or check the log lines above.',
        });
      }
    }, { offline: true }));
}
