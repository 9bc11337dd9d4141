import type { ServiceDeps } from '../service-deps.js';
import { storedSecretsKey } from '../../store/secrets-key.js';

const warned = new WeakSet<object>();

/**
 * The key OIDC client secrets are sealed with (`sealSecret` / `openSecret` of src/sso/secret-box.ts): AX_SECRETS_KEY,
 * or else the one kept in the database — then the log says, once per process, that the secrets are only obscured.
 */
export async function clientSecretKey(ctx: Pick<ServiceDeps, 'config' | 'store' | 'log'>): Promise<Buffer> {
  if (ctx.config.secretsKey) return ctx.config.secretsKey;
  if (!warned.has(ctx.config)) {
    warned.add(ctx.config);
    ctx.log.warn('AX_SECRETS_KEY is not set: OIDC client secrets are sealed with a key kept in the same database, so they are only obscured; set AX_SECRETS_KEY (32 bytes, base64) to encrypt them');
  }
  return storedSecretsKey(ctx.store.db);
}
