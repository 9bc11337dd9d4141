import type SQLite from 'better-sqlite3';

const MAX_STATEMENTS = 1000;

/**
 * Kysely's SQLite driver prepares every statement anew (~40 µs); the server runs the same few hundred queries
 * over and over. This hands Kysely the database with `prepare` memoised per SQL text. Safe because Kysely runs
 * one query at a time on its single SQLite connection.
 */
export function withStatementCache(database: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
          statement = prepare(source);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}
