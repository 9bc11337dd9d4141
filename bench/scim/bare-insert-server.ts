// The peer of B13-scim-sync: a bare Fastify route that parses the same SCIM body and writes one SQLite row per
// request (better-sqlite3, WAL, synchronous NORMAL, as the server's store), answering 201 with the body and its id.
// Its own process, printing `{"url": …}`, so both sides pay the same loopback and JSON costs.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const db = new SQLite(join(process.env.BARE_DATA_DIR!, 'bare.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table if not exists users (id integer primary key, user_name text not null unique, attributes text not null, created_at text not null)');
const insert = db.prepare('insert into users (user_name, attributes, created_at) values (?, ?, ?)');

const app = Fastify({ logger: false });
app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, (_request, body, done) => {
  try {
    done(null, JSON.parse(body as string));
  } catch (error) {
    done(error as Error, undefined);
  }
});
app.post('/Users', async (request, reply) => {
  const body = request.body as { userName: string };
  const { lastInsertRowid } = insert.run(body.userName, JSON.stringify(body), new Date().toISOString());
  return reply.code(201).send({ ...body, id: String(lastInsertRowid) });
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
