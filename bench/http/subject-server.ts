// The real server (built code in dist/) in its own process, as `ax serve` runs it, configured by the environment
// (AX_DATA_DIR, DATABASE_URL, AX_KEY_PEPPER, …); prints its URL for the bench that spawned it (bench/lib/seeded-server.ts).
import { startServer } from '../../dist/server/start-server.js';

const server = await startServer({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
