/**
 * The HTTP rows' run settings. BENCH_HTTP_SECONDS (default 2) is the length of each measured run;
 * BENCH_HTTP_ROUNDS (default 5) the measured rounds, subject and peer alternating, after one warm-up run of each
 * (1 s, or shorter with shorter runs). At the defaults the http group takes about two minutes on SQLite and two more
 * on PostgreSQL (DATABASE_URL set).
 */
export const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 2);
export const HTTP_ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
export const WARMUP_SECONDS = Math.min(1, HTTP_SECONDS);
/** Keep-alive connections of every load run (autocannon `-c 64 -p 1`, and the fixed-rate latency client). */
export const CONNECTIONS = 64;

export const SETTINGS_TEXT = `${HTTP_ROUNDS} rounds of ${HTTP_SECONDS} s after a ${WARMUP_SECONDS} s warm-up of each side, alternating, `
  + `${CONNECTIONS} connections`;
