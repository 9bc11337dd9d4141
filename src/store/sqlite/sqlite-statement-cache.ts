import type SQLite from 'better-sqlite3';

const MAX_STATEMENTS = 1000;

/** What Kysely's SQLite driver uses of a prepared statement. */
type KyselyStatement = Pick<SQLite.Statement, 'reader' | 'all' | 'run' | 'iterate'>;

/**
 * Kysely's SQLite driver prepares every statement anew (~40 µs); the server runs the same few hundred queries
 * over and over. This hands Kysely the database with `prepare` memoised per SQL text. Safe because Kysely runs
 * one query at a time on its single SQLite connection. A statement that changes the schema empties the memo: the
 * rows of a statement prepared before may have other columns since (rowsAsObjects).
 */
export function withStatementCache(database: SQLite.Database): SQLite.Database {
  const cache = new Map<string, KyselyStatement>();
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
          if (SCHEMA_CHANGE.test(source)) {
            cache.clear();
            return prepare(source);
          }
          if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
          statement = rowsAsObjects(prepare(source));
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

/**
 * A reading statement whose rows better-sqlite3 reads as arrays, made objects by a function compiled for its
 * columns: better-sqlite3 builds each object through V8's API, a property at a time (130k rows of 24 columns: 2.2–2.7 s
 * as objects, 0.83–0.85 s as arrays made objects this way; a page of 100 such rows 0.72 → 0.41–0.53 ms). The objects
 * are the same: the columns' names in order, a later column of the same name winning. A statement with a column
 * named `__proto__` (which an object literal would take as the prototype) keeps better-sqlite3's objects.
 */
function rowsAsObjects(statement: SQLite.Statement): KyselyStatement {
  if (!statement.reader) return statement;
  const names = statement.columns().map((column) => column.name);
  if (names.includes('__proto__')) return statement;
  // The source is built from the statement's own column names, each written as a JSON string literal.
  const objectOf = new Function('row', `return { ${names.map((name, i) => `${JSON.stringify(name)}: row[${i}]`).join(', ')} };`) as (row: unknown[]) => unknown;
  statement.raw(true);
  return {
    reader: true,
    all: (...parameters: unknown[]) => (statement.all(...parameters) as unknown[][]).map(objectOf),
    iterate: function* (...parameters: unknown[]) {
      for (const row of statement.iterate(...parameters) as IterableIterator<unknown[]>) yield objectOf(row);
    },
    run: (...parameters: unknown[]) => statement.run(...parameters),
  } as KyselyStatement;
}
