// The peer of B5–B7: a bare Fastify route returning JSON of the same size as the subject's answer, in its own
// process, so both sides pay the same loopback and serialization costs.
import Fastify from 'fastify';

const space = JSON.parse(process.env.BARE_SPACE_JSON ?? '{}') as object;
const users = Array.from({ length: 200 }, (_, i) => ({
  id: Buffer.from(`User:${i + 1}`).toString('base64'), name: `User ${i + 1}`, email: `user${i + 1}@example.com`,
  role: { type: 'PREDEFINED', name: 'MEMBER' }, status: 'ACTIVE', is_developer: true, created_at: new Date(0).toISOString(),
}));
const app = Fastify({ logger: false });
app.get('/space', async () => space);
app.get('/big', async () => ({ users, pagination: { has_more: true, next_cursor: 'x'.repeat(60) } }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
