import { ApiError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/connection-errors.js';

/** Seconds a client is asked to wait before sending the request again while the database does not answer. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The answer to a request that failed because the database could not be reached or could not take it now
 * (store/connection-errors.ts): 503 with Retry-After, never a 500, so clients and load balancers retry rather than
 * report a defect. A write may have been saved if the connection was lost while it committed: its detail says to
 * check before sending it again. Undefined for any other error.
 */
export function databaseUnavailable(error: unknown, request: { write: boolean }): ApiError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  const detail = request.write
    ? 'the database did not answer, so this change may or may not have been saved; check before sending it again'
    : 'the database did not answer; retry shortly';
  return new ApiError('UNAVAILABLE', detail, { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
}
