import { ApiError } from '../domain/errors.js';
import type { ServiceDeps } from './service-deps.js';
import { pingDatabase } from '../store/ping.js';

/** `/readyz`: the database answers (migrations ran before the server listened), else 503. */
export async function requireDatabaseReady(ctx: Pick<ServiceDeps, 'store'>): Promise<void> {
  try {
    await pingDatabase(ctx.store.db);
  } catch {
    throw new ApiError('UNAVAILABLE', 'the database does not answer');
  }
}
