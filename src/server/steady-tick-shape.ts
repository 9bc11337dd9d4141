import { createHook } from 'node:async_hooks';

/** One of Node's `process.nextTick` queue entries, held for the life of the process. */
let held: object | undefined;

/**
 * Holds one `process.nextTick` queue entry (Node's TickObject) for the life of the process, so that V8 keeps the
 * hidden classes ("maps") of the object literal that makes them. Node's streams call nextTick many times per HTTP
 * request (request end, socket reads and writes): about 15 times for a GET here.
 *
 * Without it, a server that starts with many major garbage collections while nextTick runs (the access snapshot, the
 * GraphQL schema, the migrations) loses those maps at each collection: V8 keeps a literal's maps only weakly, and a
 * TickObject lives for one turn of the event loop. Each collection leaves nextTick a fresh map, its property-definition
 * site goes megamorphic, and every optimized stream function that inlines nextTick then defines the TickObject's
 * properties through V8's runtime, for the rest of the process. Counted with callgrind, a bare Fastify route paid
 * 118k instructions per request that way instead of 84k; `GET /v2/spaces/{id}` paid ~30 such runtime calls per
 * request (docs/decisions.md, Operations).
 *
 * Called once, first thing, by startServer; the hook sees the one entry it causes and is disabled at once.
 */
export function holdTickObjectShape(): void {
  if (held !== undefined) return;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') held ??= resource;
    },
  }).enable();
  try {
    process.nextTick(() => undefined);
  } finally {
    hook.disable();
  }
}
