import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { generatePassword, hashPassword } from '../auth/password-hash.js';
import { passwordProblem } from '../auth/password-rules.js';
import { writeBootstrapProfile } from '../profiles/bootstrap-profile.js';
import type { Config } from '../config/config.js';
import { digestKey, generateKey, importedPublicId, parseKey } from '../keys/index.js';
import { createAccount } from '../services/accounts.js';
import { takeFirstStartLock } from '../store/first-start-lock.js';
import type { AppContext } from './context.js';

/**
 * First start on an empty database: the first account, an ACTIVE admin, a USER key for it (AX_ADMIN_API_KEY or
 * generated) written to `<data dir>/admin.key` (0600), a console password (AX_ADMIN_PASSWORD, or generated,
 * written to `admin.password` and to be changed at first sign-in), and an `ax` profile when none exists.
 * The profile is written once the server listens (createFirstProfile). Runs in one transaction guarded by the accounts table being empty, so a second start does nothing; servers
 * starting together on an empty PostgreSQL database take turns at it (store/first-start-lock.ts).
 */
export async function bootstrap(ctx: AppContext): Promise<{ adminKey: string } | undefined> {
  const { config, log } = ctx;
  const rawKey = config.adminApiKey ?? generateKey().raw;
  if (rawKey.length < 8 || /\s/.test(rawKey)) throw new Error('AX_ADMIN_API_KEY must be at least 8 characters without white space');
  const password = config.adminPassword ?? generatePassword();
  // The operator chose it (often for a test rig): exempt from the rules, but said.
  const weakness = config.adminPassword === undefined ? undefined : passwordProblem(config.adminPassword, { email: config.adminEmail, name: 'Admin' });
  const passwordHash = await hashPassword(password, config.passwordHashN);
  const digest = digestKey(ctx.secrets.keyPepper, rawKey);
  const publicId = parseKey(rawKey)?.publicId ?? importedPublicId(digest);

  const created = await ctx.store.db.transaction().execute(async (trx) => {
    await takeFirstStartLock(trx);
    const existing = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (existing) return false;
    const now = new Date(ctx.clock.now()).toISOString();
    const accountId = await createAccount(trx, 'default', now);
    const email = config.adminEmail.toLowerCase();
    const { id: userId } = await trx.insertInto('users').values({
      account_id: accountId, name: 'Admin', email, email_lower: email, role: 'ADMIN', status: 'ACTIVE', is_developer: 1,
      is_bot: 0, password_hash: passwordHash, must_change_password: config.adminPassword ? 0 : 1, deleted_at: null,
      created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('api_keys').values({
      account_id: accountId, user_id: userId, created_by_user_id: userId, key_type: 'USER', name: 'bootstrap admin key',
      description: 'created at first start', public_id: publicId, secret_hash: digest, last4: rawKey.slice(-4), status: 'ACTIVE',
      expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now,
    }).execute();
    return true;
  });
  if (!created) return undefined;
  if (weakness) log.warn(`AX_ADMIN_PASSWORD ${weakness}; it was accepted for the bootstrap admin, but change it (the console's change-password page)`);
  if (publicId.startsWith('imp')) ctx.keys.registerImported(publicId);
  await writeSecretFiles(config, log, rawKey, config.adminPassword ? undefined : password);
  return { adminKey: rawKey };
}

/** After listening (the port is known): point a first `ax` profile at this server, unless one exists. */
export function createFirstProfile(log: Logger, endpoint: URL, adminKey: string, env: NodeJS.ProcessEnv): void {
  const profile = writeBootstrapProfile({ endpoint, apiKey: adminKey, env });
  if (profile) log.info({ file: profile }, 'created ax profile "default" for this server');
}

async function writeSecretFiles(config: Config, log: Logger, rawKey: string, generatedPassword: string | undefined): Promise<void> {
  await mkdir(config.dataDir, { recursive: true });
  const keyFile = join(config.dataDir, 'admin.key');
  await writeFile(keyFile, `${rawKey}\n`, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  log.info({ file: keyFile, email: config.adminEmail }, 'bootstrapped the first account: the admin API key is in this file');
  if (generatedPassword) {
    const passwordFile = join(config.dataDir, 'admin.password');
    await writeFile(passwordFile, `${generatedPassword}\n`, { mode: 0o600 });
    await chmod(passwordFile, 0o600);
    log.info({ file: passwordFile }, 'the admin console password is in this file; it must be changed at first sign-in');
  }
}
