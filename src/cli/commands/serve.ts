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
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ host?: string; port?: number; dataDir?: string; databaseUrl?: string }>();
      // The server is loaded only here: no other command pays for Fastify and the database drivers.
      const { startServer } = await import('../../server/start-server.js');
      try {
        await startServer({ host: opts.host, port: opts.port, dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const message = code === 'EADDRINUSE' ? 'the port is already in use' : (error as Error).message;
        throw new CliError(`the server could not start: ${message}`, {
          suggestion: code === 'EADDRINUSE' ? 'Pick another port with --port, or stop the process using it.' : 'Run with --verbose, or check the log lines above.',
        });
      }
    }, { offline: true }));
}
