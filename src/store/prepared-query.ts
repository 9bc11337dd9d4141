import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type RawBuilder, sql, type SqlBool } from 'kysely';
import { isPostgres } from './dialect.js';
import { keepStatement } from './postgres/kept-statements.js';
import type { Database } from './schema.js';

/** Stands for the i-th argument while the query is compiled; its place among the parameters is where the value goes. */
class Placeholder {
  constructor(readonly index: number) {}
}

/**
 * A query that Kysely builds and compiles once per dialect, then runs with each call's values. Building and
 * compiling a query costs 10–15 µs, most of a primary-key read (measured in process on SQLite: 25 → 12 µs for
 * `spaces.find`), and the hot `GET` of one resource pays it on every request.
 *
 * `build` must give a query whose shape does not depend on its arguments: it is called once with placeholders, and
 * each argument must reach the query as a bound value (`where('id', '=', id)`, once or more), never as SQL or an
 * `in` list.
 *
 * @example
 * const byId = new PreparedQuery((db, accountId: number, id: number) =>
 *   db.selectFrom('spaces').selectAll().where('account_id', '=', accountId).where('id', '=', id));
 * const row = await byId.first(db, accountId, id);
 */
export class PreparedQuery<Row, Args extends readonly unknown[]> {
  readonly #compiled = new Map<'sqlite' | 'postgres', CompiledQuery<Row>>();

  /**
   * `keptOnPostgres`: PostgreSQL keeps the statement parsed and planned on each connection (see keepStatement), for a
   * hot query whose result columns are listed.
   */
  constructor(private readonly build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>, private readonly options: { keptOnPostgres?: boolean } = {}) {}

  async all(db: Kysely<Database>, ...args: Args): Promise<Row[]> {
    const compiled = this.#compiledFor(db, args.length);
    const parameters = compiled.parameters.map((p) => (p instanceof Placeholder ? args[p.index] : p));
    const executor = db.getExecutor();
    if (executor.plugins.length === 0) return (await executor.executeQuery<Row>({ ...compiled, parameters })).rows;
    // Each run is a query of its own to the plugins (query tracing starts its span here and ends it with the result),
    // as Kysely does for a query it compiles; they see the query but cannot change SQL that was compiled once.
    const queryId = createQueryId();
    executor.transformQuery(compiled.query, queryId);
    return (await executor.executeQuery<Row>({ ...compiled, parameters, queryId })).rows;
  }

  async first(db: Kysely<Database>, ...args: Args): Promise<Row | undefined> {
    return (await this.all(db, ...args))[0];
  }

  #compiledFor(db: Kysely<Database>, arity: number): CompiledQuery<Row> {
    const dialect = isPostgres(db) ? 'postgres' : 'sqlite';
    let compiled = this.#compiled.get(dialect);
    if (!compiled) {
      const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i)) as unknown as Args;
      compiled = this.build(db, ...placeholders).compile();
      const bound = new Set(compiled.parameters.filter((p): p is Placeholder => p instanceof Placeholder).map((p) => p.index));
      if (bound.size !== arity) throw new Error(`a prepared query must bind each of its ${arity} arguments as a value: ${compiled.sql}`);
      if (dialect === 'postgres' && this.options.keptOnPostgres) keepStatement(compiled.sql);
      this.#compiled.set(dialect, compiled);
    }
    return compiled;
  }
}

/**
 * `column in ids` with the ids bound as one value (bind `idList(db, ids)`), so that a PreparedQuery may take a list:
 * an `in (…)` list binds each id, and its shape changes with their number. Compiling a 100-id `in` list cost Kysely
 * ~350 µs, ten times SQLite running the query.
 */
export function inIdList(db: Kysely<Database>, column: string, ids: unknown): RawBuilder<SqlBool> {
  return isPostgres(db) ? sql<SqlBool>`${sql.ref(column)} = any(${ids})` : sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${ids}))`;
}

/** The value inIdList binds for these ids: an array for PostgreSQL, a JSON array for SQLite's json_each. */
export function idList(db: Kysely<Database>, ids: readonly number[]): unknown {
  return isPostgres(db) ? ids : JSON.stringify(ids);
}
