import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const SETTING = 'oidc_secrets_key';

/**
 * The key that seals OIDC client secrets when the operator gives none (AX_SECRETS_KEY): 32 random bytes kept in
 * `server_settings`, created once — the first process to insert it wins and every process reads the winner's.
 * Kept beside the data it protects, it only obscures the secrets.
 */
export async function storedSecretsKey(db: Kysely<Database>): Promise<Buffer> {
  await db.insertInto('server_settings').values({ name: SETTING, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('server_settings').select('value').where('name', '=', SETTING).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
