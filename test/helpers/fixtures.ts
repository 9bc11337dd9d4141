import { encodeId } from '../../src/domain/ids.js';
import { digestKey, generateKey } from '../../src/keys/index.js';
import type { AccountRoleKey } from '../../src/store/schema.js';
import { createAccount } from '../../src/services/accounts.js';
import type { TestServer } from './server.js';

export interface FixtureUser {
  /** Wire id (base64). */
  id: string;
  dbId: number;
  email: string;
  /** A USER key of this user. */
  key: string;
}

function contextOf(server: TestServer) {
  if (!server.context) throw new Error('fixtures need an in-process test server');
  return server.context;
}

/**
 * An ACTIVE user with a USER key, inserted directly (no invitation round trip), then announced on the change
 * feed like any mutation so the server's caches see it. Defaults to the bootstrap account (1).
 */
export async function createUserWithKey(server: TestServer, options: { email: string; name?: string; role?: AccountRoleKey; accountId?: number }): Promise<FixtureUser> {
  const ctx = contextOf(server);
  const accountId = options.accountId ?? 1;
  const now = new Date().toISOString();
  const key = generateKey();
  const email = options.email.toLowerCase();
  const { id } = await ctx.store.db.insertInto('users').values({
    account_id: accountId, name: options.name ?? email, email, email_lower: email, role: options.role ?? 'MEMBER', status: 'ACTIVE',
    is_developer: 1, is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  await ctx.store.db.insertInto('api_keys').values({
    account_id: accountId, user_id: id, created_by_user_id: id, key_type: 'USER', name: 'fixture key', description: null,
    public_id: key.publicId, secret_hash: digestKey(ctx.secrets.keyPepper, key.raw), last4: key.last4, status: 'ACTIVE',
    expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now,
  }).execute();
  await ctx.changes.publish({ accountId });
  return { id: encodeId('User', id), dbId: id, email, key: key.raw };
}

/** A second tenant with its own ADMIN user, to prove nothing leaks across accounts. */
export async function createSecondAccount(server: TestServer, adminEmail = 'admin@tenant-b.example'): Promise<{ accountId: number; admin: FixtureUser }> {
  const ctx = contextOf(server);
  const accountId = await ctx.store.db.transaction().execute((trx) => createAccount(trx, 'tenant-b'));
  const admin = await createUserWithKey(server, { email: adminEmail, role: 'ADMIN', accountId });
  return { accountId, admin };
}
