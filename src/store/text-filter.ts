import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Case-insensitive substring match, as Arize's name filters behave (clients resolve names through them).
 * LIKE wildcards in the needle are escaped so `a_b` matches only "a_b".
 *
 * The pattern is built in SQL around the bound needle, not bound whole: SQLite looks at a LIKE pattern that is a bound
 * parameter when it plans (for its prefix optimisation), so binding it again on the next run has the statement parsed
 * and planned anew; around a concatenation it does not (a projects page filtered by name, 10k rows in memory:
 * 10.6–11.1 µs → 4.2 µs).
 */
export function containsInsensitive(column: string, needle: string): Expression<SqlBool> {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`lower(${sql.ref(column)}) like ('%' || ${escaped} || '%') escape '\\'`;
}
