/** The seed `npm test` runs every property test with, so that a failure reproduces on the next run. */
const FIXED_SEED = 20261202;

/**
 * fast-check parameters for a property test: in `npm test`, a fixed seed and `bounded` runs; under
 * `npm run test:property` (AX_PROPERTY_RUNS=N), N runs from a random seed. fast-check prints the seed and the
 * shrunk counterexample of any failure, so a randomized failure can be replayed with `{ seed, path }`.
 */
export function propertyRuns(bounded: number): { seed?: number; numRuns: number } {
  const runs = process.env.AX_PROPERTY_RUNS;
  if (runs === undefined) return { seed: FIXED_SEED, numRuns: bounded };
  const numRuns = Number(runs);
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new Error(`AX_PROPERTY_RUNS must be a positive whole number, got ${runs}`);
  return { numRuns };
}

/**
 * `propertyRuns(bounded)` split into batches of at most `bounded` runs, one vitest test each, for properties whose run
 * takes tens of milliseconds: one synchronous `fc.assert` of thousands of runs holds the worker's event loop past
 * vitest's 60 s RPC timeout ("Timeout calling onTaskUpdate"), which fails the run although every property held. Each
 * batch starts with `yieldToEventLoop()`: consecutive synchronous tests alone never let the worker read the RPC answers.
 */
export function propertyBatches(bounded: number): { seed?: number; numRuns: number }[] {
  const { seed, numRuns } = propertyRuns(bounded);
  return Array.from({ length: Math.ceil(numRuns / bounded) }, (_, i) => ({
    ...(seed === undefined ? {} : { seed }),
    numRuns: Math.min(bounded, numRuns - i * bounded),
  }));
}

/** Lets the event loop run its I/O (vitest's RPC answers) before a long synchronous batch. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
