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
          statement = withLiteralLimit(source, (text) => rowsAsObjects(prepare(text)));
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

/** The end of a query whose LIMIT is a bound parameter, as Kysely writes `.limit(n)` (and `.offset(m)`) for SQLite. */
const TRAILING_LIMIT = / limit \?( offset \?)?$/;
/** Limits a statement is prepared with, each as a statement of its own; past these, the limit is bound again. */
const MAX_LIMITS = 128;

/**
 * The statement for `source`, which runs a trailing `limit ?` as a statement with that number written in its text.
 * SQLite (3.53, better-sqlite3's) plans a LIMIT with its value, and so marks a bound one as a parameter the plan depends on: binding
 * it again, which better-sqlite3 does on every run, expires the statement, and the next step parses and plans it
 * anew. On the bench seed world that was ~58k of the ~550k instructions the server spent on a page of a space's
 * projects, and `limit ?` took 18 µs where `limit 101` took 10 µs on SQLite's own (10k rows in memory, 9 read).
 * A limit is a handful of numbers per query (a page size, plus one), so each gets its statement: the values left of
 * the limit are bound as before; a limit that is not a whole number, or a call that binds otherwise than Kysely
 * does (one array, one value per `?`), runs the statement as written.
 */
function withLiteralLimit(source: string, prepareRows: (text: string) => KyselyStatement): KyselyStatement {
  const statement = prepareRows(source);
  const trailing = TRAILING_LIMIT.exec(source);
  if (!trailing || !statement.reader) return statement;
  const parameterCount = placeholders(source);
  const offset = trailing[1] ?? '';
  const limitAt = parameterCount - (offset ? 2 : 1);
  const byLimit = new Map<number, KyselyStatement>();
  /** The statement with this call's limit written in, and the parameters left to bind; undefined to bind the limit. */
  const literal = (args: unknown[]): [KyselyStatement, unknown[]] | undefined => {
    const [parameters] = args;
    if (args.length !== 1 || !Array.isArray(parameters) || parameters.length !== parameterCount) return undefined;
    const limit: unknown = parameters[limitAt];
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) return undefined;
    let prepared = byLimit.get(limit);
    if (!prepared) {
      if (byLimit.size >= MAX_LIMITS) return undefined;
      prepared = prepareRows(`${source.slice(0, trailing.index)} limit ${limit}${offset}`);
      byLimit.set(limit, prepared);
    }
    return [prepared, parameters.filter((_, i) => i !== limitAt)];
  };
  return {
    reader: true,
    all: (...args: unknown[]) => {
      const run = literal(args);
      return run ? run[0].all(run[1]) : statement.all(...args);
    },
    iterate: (...args: unknown[]) => {
      const run = literal(args);
      return run ? run[0].iterate(run[1]) : statement.iterate(...args);
    },
    run: (...args: unknown[]) => statement.run(...args),
  } as KyselyStatement;
}

/** The `?` parameters of a statement's text: those outside its quoted strings and identifiers. */
function placeholders(text: string): number {
  let count = 0;
  let quote: string | undefined;
  for (const c of text) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"' || c === '`') {
      quote = c;
    } else if (c === '?') {
      count++;
    }
  }
  return count;
}

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
