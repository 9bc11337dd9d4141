import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Case-insensitive substring match, as Arize's name filters behave (clients resolve names through them).
 * LIKE wildcards in the needle are escaped so `a_b` matches only "a_b".
 */
export function containsInsensitive(column: string, needle: string): Expression<SqlBool> {
  const escaped = needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
}
