/**
 * The HTTP rows' run settings. BENCH_HTTP_SECONDS (default 2) is the length of each measured run;
 * BENCH_HTTP_ROUNDS (default 5) the measured rounds after one warm-up round, subject and peer alternating.
 * At the defaults the http group (SQLite, and PostgreSQL when DATABASE_URL is set) takes about four minutes.
 */
export const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 2);
export const HTTP_ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
/** Keep-alive connections of every load run (autocannon `-c 64 -p 1`, and the fixed-rate latency client). */
export const CONNECTIONS = 64;

export const SETTINGS_TEXT = `${HTTP_ROUNDS} rounds of ${HTTP_SECONDS} s after a warm-up, subject and peer alternating, -c ${CONNECTIONS} -p 1`;
