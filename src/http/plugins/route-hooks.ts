/** A route's hook option (one hook, a list or none) with `hook` added last: for `onRoute` hooks that add per-route checks. */
export function appendHook<T>(hooks: T | T[] | undefined, hook: T): T[] {
  return hooks === undefined ? [hook] : Array.isArray(hooks) ? [...hooks, hook] : [hooks, hook];
}
