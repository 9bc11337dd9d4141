/** Slices of id lists, so that a statement binds at most this many: a directory's group may hold thousands of members. */
const SLICE = 500;

export function* idSlices<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += SLICE) yield items.slice(i, i + SLICE);
}
