// A real server in a process of its own, run from source (`node --import tsx test/helpers/serve-process.ts`):
// configured by the environment like `ax serve` (DATABASE_URL, AX_DATA_DIR, AX_ADMIN_API_KEY, …), listening on
// an ephemeral loopback port, printing `{"url": …}` on stdout once ready; SIGTERM stops it gracefully.
import { startServer } from '../../src/server/start-server.js';

const server = await startServer({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
