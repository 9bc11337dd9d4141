#!/usr/bin/env node
// A real server in a process of its own, from the build (dist/server/start-server.bundle.mjs, the product as `ax
// serve` runs it), for the multi-process tests (test/helpers/server-process.ts startProcessPair): configured by the
// environment like `ax serve` (DATABASE_URL, AX_DATA_DIR, AX_ADMIN_API_KEY, …), listening on an ephemeral loopback
// port; SIGTERM stops it gracefully. It loads the server's modules, prints `{"loaded": true}`, and starts only on a
// line on stdin, then prints `{"url": …}` once ready: a pair's second process loads while the first migrates and
// bootstraps the empty database, and starts once the first is up.
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const { startServer } = await import('../../dist/server/start-server.bundle.mjs');
process.stdout.write(`${JSON.stringify({ loaded: true })}\n`);
await once(createInterface({ input: process.stdin }), 'line');
const server = await startServer({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
