import { ApiError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/connection-errors.js';

/** Seconds a client is asked to wait before sending the request again while the database does not answer. */
const RETRY_AFTER_SECONDS = 5;

/** The request a database failure is answered for: whether it may have changed something, and where to log. */
export interface FailedRequest {
  write: boolean;
  log: { error(fields: object, message: string): void };
  /** More fields for the log line (a request id, a GraphQL path) when the logger does not carry them. */
  fields?: Record<string, unknown>;
}

/**
 * The answer to a request that failed because the database could not be reached or could not take it now
 * (store/connection-errors.ts): 503 with Retry-After, never a 500, so clients and load balancers retry rather than
 * report a defect. A write may have been saved if the connection was lost while it committed: its detail says to
 * check before sending it again. The failure is logged as `the database is unavailable` (docs/operating.md), for
 * every surface alike. Undefined, and nothing logged, for any other error.
 */
export function databaseUnavailable(error: unknown, request: FailedRequest): ApiError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  request.log.error({ err: error, ...request.fields }, 'the database is unavailable');
  const detail = request.write
    ? 'the database did not answer, so this change may or may not have been saved; check before sending it again'
    : 'the database did not answer; retry shortly';
  return new ApiError('UNAVAILABLE', detail, { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
}
