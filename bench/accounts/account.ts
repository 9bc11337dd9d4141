import { BENCH_WORLD } from '../lib/seed-world.js';
import type { WorldSizes } from '../lib/seeded-server.js';
import type { BulkSeededServer } from '../memory/bulk-seeded-server.js';

/** MEMBER GETs of its own space each account serves after its snapshot loads, before its RSS is read. */
export const WARM_GETS = 200;

/** A seeded account's server, warmed up, and its RSS (MB) read as resident-memory.ts reads it. */
export interface Account extends BulkSeededServer {
  users: number;
  /** The first MEMBER GET's wall time: it waited for the server's snapshot load. */
  firstRequestMs: number;
  rss: { now: number; collected: number };
}

/** The account of `users` users: 10 role bindings and 0.2 API keys per user, BENCH_WORLD's organizations, spaces and projects. */
export function accountSizes(users: number): { sizes: WorldSizes; keys: number } {
  return { sizes: { ...BENCH_WORLD, users, bindings: users * 10 }, keys: users / 5 };
}
