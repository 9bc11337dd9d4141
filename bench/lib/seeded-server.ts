import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { AccessSnapshot, check, type WorldInput } from '../../src/access/index.js';
import { digestKey, generateKey } from '../../src/keys/index.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import type { Database } from '../../src/store/schema.js';
import { createBenchDatabase } from '../scim/postgres-bench-database.js';
import { spawnListening } from './listening-process.js';
import { BENCH_WORLD, insertWorld, seedWorld } from './seed-world.js';

export type WorldSizes = NonNullable<Parameters<typeof seedWorld>[0]>;

export interface SeededServerOptions {
  /** The seed world's sizes (default BENCH_WORLD: 10k users, 1k spaces, 10k projects, 100k bindings). */
  sizes?: WorldSizes;
  /** A postgres:// URL: the server runs on a database of its own created beside it (dropped by stop()); else SQLite. */
  postgresUrl?: string | undefined;
  /** API keys written straight into the store besides the named ones (a fifth of them SERVICE keys of bot users). */
  extraKeys?: number;
  /** More environment for the server process (e.g. AX_LOG_LEVEL). */
  env?: Record<string, string>;
  /** A program that runs the server's Node (listening-process.ts), e.g. callgrind. */
  launcher?: string[];
}

/** A raw API key and the user it authenticates as. */
export interface BenchKey {
  raw: string;
  userId: number;
}

export interface SeededServer {
  url: string;
  /** The server process's pid (its RSS is the server's). */
  pid: number;
  dialect: 'sqlite' | 'postgres';
  /** The server's SQLite file (`<dataDir>/ax.db`) or its PostgreSQL database, for peers that read the same rows. */
  sqliteFile: string | undefined;
  databaseUrl: string | undefined;
  world: WorldInput;
  /** A USER key of an account ADMIN. */
  admin: BenchKey;
  /** A USER key of an active account MEMBER (not a bot): it can read `readableSpaceId` (its space membership), not `unreadableSpaceId`. */
  member: BenchKey & { readableSpaceId: number; unreadableSpaceId: number };
  /** A SERVICE key of a bot user (account MEMBER) whose space membership lets it read `spaceId`. */
  service: BenchKey & { spaceId: number };
  /** A USER key of an account MEMBER who is ADMIN of `organizationId` by membership: may grant roles on its spaces. */
  organizationAdmin: BenchKey & { organizationId: number };
  /** Seconds spent seeding (world, keys) before the server started. */
  seedSeconds: number;
  stop(): Promise<void>;
}

const ADMIN_ROLE_ID = 1; // seedWorld's role ids: the predefined ADMIN, MEMBER, READ_ONLY, ANNOTATOR, then custom roles

/**
 * The real server (built `dist/`, its own process) on a database holding seedWorld(sizes) as account 1, with API
 * keys written straight into the store under a pepper given to the server (AX_KEY_PEPPER). Account 1 exists
 * before the server starts, so its bootstrap (first account, admin user and key) does not run: every key here is
 * one of the seed world's users'.
 *
 * @example
 * const server = await startSeededServer({ postgresUrl: process.env.DATABASE_URL });
 * await fetch(`${server.url}/v2/spaces/${encodeId('Space', server.member.readableSpaceId)}`,
 *   { headers: { authorization: `Bearer ${server.member.raw}` } });
 * await server.stop();
 */
export async function startSeededServer(options: SeededServerOptions = {}): Promise<SeededServer> {
  const started = process.hrtime.bigint();
  const dataDir = await mkdtemp(join(tmpdir(), 'ax-bench-seeded-'));
  const database = options.postgresUrl ? await createBenchDatabase(options.postgresUrl) : undefined;
  const cleanUp = async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const world = seedWorld(options.sizes ?? BENCH_WORLD);
    const principals = choosePrincipals(world);
    const pepper = randomBytes(32);
    const store = openStore({ dataDir, databaseUrl: database?.url });
    let keys: Record<keyof typeof principals, BenchKey>;
    try {
      await migrateToLatest(store.db);
      await insertWorld(store.db, world);
      if (database) await advanceIdentities(store.db);
      keys = await insertKeys(store.db, pepper, world, principals, options.extraKeys ?? 0);
      // PostgreSQL plans with the tables' statistics, which autovacuum gathers within a minute of a bulk load: measured
      // before that, a point read of a user by id ran as a scan of the account's 10k users (a partial index on
      // account_id looked as cheap as the primary key without them). The rows measure the database as it settles.
      if (database) await sql`analyze`.execute(store.db);
    } finally {
      await store.close();
    }
    const seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const child = await spawnListening(fileURLToPath(new URL('../http/subject-server.mjs', import.meta.url)), {
      AX_LOG_LEVEL: 'warn', ...options.env,
      AX_DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', AX_KEY_PEPPER: pepper.toString('hex'),
      ARIZE_DIRECTORY: join(dataDir, 'profiles'),
    }, options.launcher);
    return {
      url: child.url,
      pid: child.pid,
      dialect: database ? 'postgres' : 'sqlite',
      sqliteFile: database ? undefined : join(dataDir, 'ax.db'),
      databaseUrl: database?.url,
      world,
      admin: keys.admin,
      member: { ...keys.member, readableSpaceId: principals.member.readableSpaceId, unreadableSpaceId: principals.member.unreadableSpaceId },
      service: { ...keys.service, spaceId: principals.service.spaceId },
      organizationAdmin: { ...keys.organizationAdmin, organizationId: principals.organizationAdmin.organizationId },
      seedSeconds,
      async stop() {
        await child.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

interface Chosen {
  admin: { userId: number; keyType: 'USER' };
  member: { userId: number; keyType: 'USER'; readableSpaceId: number; unreadableSpaceId: number };
  service: { userId: number; keyType: 'SERVICE'; spaceId: number };
  organizationAdmin: { userId: number; keyType: 'USER'; organizationId: number };
}

/** The first user of each kind in the deterministic world, the member's spaces decided by the access engine itself. */
function choosePrincipals(world: WorldInput): Chosen {
  const snapshot = AccessSnapshot.build(world);
  const spaceOf = new Map(world.spaceMemberships.map((m) => [m.userId, m.spaceId]));
  const organizationOf = new Map(world.organizationMemberships.map((m) => [m.userId, m]));
  const reads = (userId: number, spaceId: number) => check(snapshot, userId, 'SPACE_READ', { type: 'SPACE', id: spaceId });
  const live = world.users.filter((u) => u.active);
  const first = <T>(found: T | undefined, what: string): T => {
    if (found === undefined) throw new Error(`the seed world has no ${what}`);
    return found;
  };
  const admin = first(live.find((u) => u.role === 'ADMIN' && !u.isBot), 'active ADMIN');
  const member = first(live.find((u) => u.role === 'MEMBER' && !u.isBot && reads(u.id, spaceOf.get(u.id)!)), 'member who reads its space');
  const unreadable = first(world.spaces.find((sp) => !reads(member.id, sp.id)), 'space the member cannot read');
  const bot = first(live.find((u) => u.role === 'MEMBER' && u.isBot && reads(u.id, spaceOf.get(u.id)!)), 'bot that reads its space');
  const organizationAdmin = first(live.find((u) => u.role === 'MEMBER' && !u.isBot && organizationOf.get(u.id)?.roleId === ADMIN_ROLE_ID),
    'MEMBER who is an organization ADMIN');
  return {
    admin: { userId: admin.id, keyType: 'USER' },
    member: { userId: member.id, keyType: 'USER', readableSpaceId: spaceOf.get(member.id)!, unreadableSpaceId: unreadable.id },
    service: { userId: bot.id, keyType: 'SERVICE', spaceId: spaceOf.get(bot.id)! },
    organizationAdmin: { userId: organizationAdmin.id, keyType: 'USER', organizationId: organizationOf.get(organizationAdmin.id)!.organizationId },
  };
}

/**
 * The named principals' keys, then `extra` more: USER keys of active people and SERVICE keys of bots, round robin,
 * each created by itself (a bot's key names the admin as creator, as a person creates a service key).
 */
async function insertKeys(db: Kysely<Database>, pepper: Buffer, world: WorldInput, chosen: Chosen, extra: number) {
  const now = new Date().toISOString();
  const people = world.users.filter((u) => u.active && !u.isBot);
  const bots = world.users.filter((u) => u.active && u.isBot);
  const wanted: { userId: number; keyType: 'USER' | 'SERVICE' }[] = Object.values(chosen);
  for (let i = 0; i < extra; i++) {
    wanted.push(i % 5 === 4 ? { userId: bots[i % bots.length]!.id, keyType: 'SERVICE' } : { userId: people[i % people.length]!.id, keyType: 'USER' });
  }
  const generated = wanted.map((w) => ({ ...w, key: generateKey() }));
  for (let i = 0; i < generated.length; i += 500) {
    await db.insertInto('api_keys').values(generated.slice(i, i + 500).map((g) => ({
      account_id: world.accountId, user_id: g.userId, created_by_user_id: g.keyType === 'SERVICE' ? chosen.admin.userId : g.userId,
      root_creator_user_id: null, key_type: g.keyType, name: `bench ${g.keyType.toLowerCase()} key`, description: null,
      public_id: g.key.publicId, secret_hash: digestKey(pepper, g.key.raw), last4: g.key.last4, status: 'ACTIVE' as const,
      expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now,
    }))).execute();
  }
  const named = Object.keys(chosen) as (keyof Chosen)[];
  return Object.fromEntries(named.map((name, i) => [name, { raw: generated[i]!.key.raw, userId: generated[i]!.userId }])) as Record<keyof Chosen, BenchKey>;
}

/** insertWorld keeps the world's ids; PostgreSQL's identity sequences must then start after them. */
async function advanceIdentities(db: Kysely<Database>): Promise<void> {
  for (const table of ['accounts', 'roles', 'users', 'organizations', 'spaces', 'projects', 'role_bindings']) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(db);
  }
}
