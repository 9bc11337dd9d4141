import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface ServerSecrets {
  /** HMAC key for API key digests. */
  keyPepper: Buffer;
  /** HMAC key that makes pagination cursors tamper-evident. */
  cursorKey: Buffer;
  /** HMAC key for invitation/reset/session token digests. */
  tokenKey: Buffer;
}

/**
 * Secrets shared by every process of a deployment live in the database, created once; the insert ignores a
 * conflict so that two processes starting together agree on the first writer's value.
 */
export async function loadServerSecrets(db: Kysely<Database>): Promise<ServerSecrets> {
  const get = async (name: string): Promise<Buffer> => {
    await db.insertInto('server_settings').values({ name, value: randomBytes(32).toString('hex') })
      .onConflict((oc) => oc.column('name').doNothing()).execute();
    const row = await db.selectFrom('server_settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'hex');
  };
  return { keyPepper: await get('key_pepper'), cursorKey: await get('cursor_key'), tokenKey: await get('token_key') };
}
