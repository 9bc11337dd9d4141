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
          statement = withLiteralLimits(source, (text) => rowsAsObjects(prepare(text)));
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

/**
 * Statements kept per text for the values of its limits; past these, the limits are bound again. A client asks for one
 * or two page sizes; a caller cycling through all 100 on every list would otherwise keep ~100 statements per query.
 */
const MAX_LIMITS = 16;

/**
 * The statement for `source`, which runs each bound LIMIT (`limit ?`, as Kysely writes `.limit(n)`, in the query or
 * a subquery) as a statement with that number written in its text. SQLite (3.53, better-sqlite3's) plans a LIMIT
 * with its value, and so marks a bound one as a parameter the plan depends on: binding it again, which better-sqlite3
 * does on every run, expires the statement, and the next step parses and plans it anew. On the bench seed world that
 * was ~58k of the ~550k instructions the server spent on a page of a space's projects, and `limit ?` took 18 µs where
 * `limit 101` took 10 µs on SQLite's own (10k rows in memory, 9 read). A limit takes a handful of values per query (a
 * page size, plus one), so each set of them gets its statement, the other values bound as before. A limit that is not
 * a whole number, or a call that binds otherwise than Kysely does (one array, one value per `?`), runs the statement
 * as written.
 */
function withLiteralLimits(source: string, prepareRows: (text: string) => KyselyStatement): KyselyStatement {
  const statement = prepareRows(source);
  if (!statement.reader) return statement;
  const { count, limits } = parametersOf(source);
  if (limits.length === 0) return statement;
  const limited = new Set(limits.map((limit) => limit.parameter));
  const byLimits = new Map<string, KyselyStatement>();
  /** The statement with this call's limits written in, and the values left to bind; undefined to bind the limits. */
  const literal = (args: unknown[]): [KyselyStatement, unknown[]] | undefined => {
    const [values] = args;
    if (args.length !== 1 || !Array.isArray(values) || values.length !== count) return undefined;
    const numbers: number[] = [];
    for (const { parameter } of limits) {
      const value: unknown = values[parameter];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return undefined;
      numbers.push(value);
    }
    const key = numbers.join(',');
    let prepared = byLimits.get(key);
    if (!prepared) {
      if (byLimits.size >= MAX_LIMITS) return undefined;
      let text = '';
      let from = 0;
      limits.forEach(({ at }, i) => {
        text += `${source.slice(from, at)}${numbers[i]!}`;
        from = at + 1;
      });
      prepared = prepareRows(text + source.slice(from));
      byLimits.set(key, prepared);
    }
    return [prepared, values.filter((_, i) => !limited.has(i))];
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

/**
 * The `?` parameters of a statement's text (those outside its quoted strings and identifiers), and of them the
 * bound limits: each one's place in the text and its index among the parameters.
 */
function parametersOf(text: string): { count: number; limits: { at: number; parameter: number }[] } {
  let count = 0;
  const limits: { at: number; parameter: number }[] = [];
  let quote: string | undefined;
  for (let at = 0; at < text.length; at++) {
    const c = text[at];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"' || c === '`') {
      quote = c;
    } else if (c === '?') {
      if (text.endsWith(' limit ', at)) limits.push({ at, parameter: count });
      count++;
    }
  }
  return { count, limits };
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
