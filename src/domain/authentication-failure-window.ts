/**
 * The window failed authentications are counted in: failures of the same kind (account, user, address, reason,
 * operation) in one 10-minute window of the clock (windows start at multiples of it) share one row, so a row's
 * first and last failure are less than this apart.
 */
export const AUTHENTICATION_FAILURE_WINDOW_MS = 10 * 60_000;
