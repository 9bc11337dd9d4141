import type { GraphqlContext } from './context.js';

/** One parent of a batched field, with the field's arguments as written for that parent. */
export interface BatchQuery<O, P = Record<string, never>> { obj: O; params: P }

/** A batched field's loader: every parent asked for in one tick, answered in the same order. */
export type BatchLoader = (queries: BatchQuery<never, never>[], context: GraphqlContext) => Promise<unknown[]>;

/** The parents asked for a field so far in this tick, with the promises handed to their resolvers. */
export interface PendingBatch {
  queries: BatchQuery<unknown, unknown>[];
  settle: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[];
}

/**
 * The resolvers of nested fields asked for a whole page of parents at once: a field's resolver queues its parent and
 * arguments, and the field's loader runs once, on the next tick, for every parent the executor asked for in this one
 * (each level of a document resolves its parents' fields in the same tick). The loader answers each parent with its
 * value or its error (an Error instance as the value is that parent's field error; a rejection fails them all).
 *
 * Mercurius's `loaders` do the same and also keep each answer for the request, keyed by the parent object and the
 * arguments stringified: those keys cost more than the page they batch on a one-space query (a space and its
 * projects), and no field of this schema asks for the same parent twice except through aliases, which a loader
 * answers in its batch anyway.
 */
export function batchedFields(loaders: Record<string, Record<string, BatchLoader>>): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, unknown>> = {};
  for (const [type, fields] of Object.entries(loaders)) {
    resolvers[type] = {};
    for (const [field, loader] of Object.entries(fields)) {
      const name = `${type}.${field}`;
      resolvers[type]![field] = (obj: unknown, params: unknown, context: GraphqlContext) => queue(context, name, loader, { obj, params });
    }
  }
  return resolvers;
}

function queue(context: GraphqlContext, name: string, loader: BatchLoader, query: BatchQuery<unknown, unknown>): Promise<unknown> {
  const pending = context.batches;
  let batch = pending.get(name);
  if (batch === undefined) {
    const started: PendingBatch = { queries: [], settle: [] };
    pending.set(name, started);
    batch = started;
    process.nextTick(() => {
      pending.delete(name);
      run(context, loader, started);
    });
  }
  const { queries, settle } = batch;
  return new Promise((resolve, reject) => {
    queries.push(query);
    settle.push({ resolve, reject });
  });
}

function run(context: GraphqlContext, loader: BatchLoader, batch: PendingBatch): void {
  const failAll = (error: unknown) => {
    for (const { reject } of batch.settle) reject(error);
  };
  let answers: Promise<unknown[]>;
  try {
    answers = loader(batch.queries as BatchQuery<never, never>[], context);
  } catch (error) {
    failAll(error);
    return;
  }
  answers.then((values) => {
    batch.settle.forEach(({ resolve }, i) => resolve(values[i]));
  }, failAll);
}
