import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface ServerSecrets {
  /** HMAC key for API key digests. */
  keyPepper: Buffer;
  /** HMAC key that makes pagination cursors tamper-evident. */
  cursorKey: Buffer;
  /** HMAC key for invitation/reset/session token digests and the CSRF tokens derived from sessions. */
  tokenKey: Buffer;
  /** Seed of the Ed25519 key that signs audit checkpoints (docs/audit.md). */
  auditSigningKey: Buffer;
}

export interface SecretSources {
  dataDir: string;
  /** AX_KEY_PEPPER, hex. */
  keyPepper?: string | undefined;
  /** AX_TOKEN_KEY, hex. */
  tokenKey?: string | undefined;
  /** AX_AUDIT_SIGNING_KEY, hex. */
  auditSigningKey?: string | undefined;
}

/** The secrets that protect what the database holds, and where each may come from instead of a file. */
const OUTSIDE_SECRETS = [
  { name: 'key_pepper', file: 'key-pepper', env: 'AX_KEY_PEPPER', source: 'keyPepper' },
  { name: 'token_key', file: 'token-key', env: 'AX_TOKEN_KEY', source: 'tokenKey' },
  // Signs audit checkpoints: kept outside the database so that whoever can edit the database cannot sign.
  { name: 'audit_signing_key', file: 'audit-signing-key', env: 'AX_AUDIT_SIGNING_KEY', source: 'auditSigningKey' },
] as const;

/**
 * The key pepper, the token key and the audit signing key are kept out of the database they protect (a copy of the database alone
 * must not let anyone check guessed keys or forge tokens): from AX_KEY_PEPPER / AX_TOKEN_KEY, or else from the
 * 0600 files `key-pepper` / `token-key` of the data directory, created at first start. An earlier version kept
 * them in `server_settings`: found there, they are moved to the file once and deleted from the database, so
 * existing keys keep verifying. The database keeps only a check value (an HMAC under the secret) so that a
 * process started with another secret refuses to start instead of rejecting every key. The cursor key protects
 * nothing the database holds and stays there, shared by every process.
 */
export async function loadServerSecrets(db: Kysely<Database>, sources: SecretSources): Promise<ServerSecrets> {
  const setting = async (name: string) =>
    (await db.selectFrom('server_settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
  const loaded: Partial<Record<(typeof OUTSIDE_SECRETS)[number]['name'], Buffer>> = {};
  for (const secret of OUTSIDE_SECRETS) {
    const fromEnv = sources[secret.source];
    const file = join(sources.dataDir, secret.file);
    const legacy = await setting(secret.name);
    let value: Buffer;
    if (fromEnv !== undefined) {
      value = parseHexSecret(fromEnv, secret.env);
      if (legacy !== undefined && legacy !== value.toString('hex')) {
        throw new Error(`${secret.env} differs from the ${secret.name.replaceAll('_', ' ')} this database was used with (kept in the database by an earlier version); start once without ${secret.env} to move it to ${file}, then use that file's content`);
      }
    } else {
      value = readSecretFile(file, secret.env) ?? writeSecretFile(file, legacy === undefined ? randomBytes(32) : Buffer.from(legacy, 'hex'), secret.env);
    }
    const check = createHmac('sha256', value).update('ax secret check').digest('hex');
    await db.insertInto('server_settings').values({ name: `${secret.name}_check`, value: check })
      .onConflict((oc) => oc.column('name').doNothing()).execute();
    if (await setting(`${secret.name}_check`) !== check) {
      throw new Error(`this database was set up with another ${secret.name.replaceAll('_', ' ')}: every process of a deployment must share it. `
        + `Set ${secret.env} to the content of the file ${secret.file} in the data directory of the first process (or share that directory)`);
    }
    if (legacy !== undefined) await db.deleteFrom('server_settings').where('name', '=', secret.name).execute();
    loaded[secret.name] = value;
  }
  await db.insertInto('server_settings').values({ name: 'cursor_key', value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const cursorKey = Buffer.from((await setting('cursor_key'))!, 'hex');
  return { keyPepper: loaded.key_pepper!, cursorKey, tokenKey: loaded.token_key!, auditSigningKey: loaded.audit_signing_key! };
}

function parseHexSecret(text: string, what: string): Buffer {
  const trimmed = text.trim();
  if (!/^(?:[0-9a-f]{2}){32,}$/i.test(trimmed)) throw new Error(`${what} must be at least 32 bytes in hex (64 hex digits), e.g. the output of: openssl rand -hex 32`);
  return Buffer.from(trimmed, 'hex');
}

function readSecretFile(file: string, env: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseHexSecret(text, `${file} (or ${env})`);
}

/** Creates the file 0600, whole, only if it does not exist; a process that lost the race reads the winner's value. */
function writeSecretFile(file: string, value: Buffer, env: string): Buffer {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${value.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readSecretFile(file, env)!;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  return value;
}

/**
 * A setting every process of a deployment shares, created once: the first process to insert it wins (`on conflict
 * do nothing`), and every process then reads back the winner's value. `create` runs only when the setting is missing.
 */
export async function sharedServerSetting(db: Kysely<Database>, name: string, create: () => Promise<string>): Promise<string> {
  const read = async () => (await db.selectFrom('server_settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
  const existing = await read();
  if (existing !== undefined) return existing;
  await db.insertInto('server_settings').values({ name, value: await create() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return (await read())!;
}
