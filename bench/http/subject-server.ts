// The subject of B5–B8: the real server (built code in dist/), in its own process, printing its URL.
import { startServer } from '../../dist/server/start-server.js';

const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: process.env.AX_DATA_DIR!, databaseUrl: process.env.DATABASE_URL || undefined });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
