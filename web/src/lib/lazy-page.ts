import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export type LazyPage<P extends object> = LazyExoticComponent<ComponentType<P>> & {
  /** Fetches the page's chunk (once); a page rendered after its chunk arrived does not suspend. */
  preload(): Promise<unknown>;
  /** True once the chunk has arrived: the page renders without suspending. */
  isLoaded(): boolean;
};

/**
 * A page in a chunk of its own (React.lazy over a dynamic import), which can be fetched before it is rendered.
 * React shows a Suspense fallback for at least 300 ms once it has shown one, so a page that suspends for a few
 * milliseconds costs a third of a second: when the chunk is already here, the factory hands React an
 * already-settled thenable, which React.lazy reads synchronously, and nothing suspends.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () => (loading ??= load().then((component) => (loaded = component)));
  const page = lazy(() => {
    if (!loaded) return preload().then((component) => ({ default: component }));
    const module = { default: loaded };
    const settled = { status: 'fulfilled', value: module, then: (resolve: (m: typeof module) => void) => resolve(module) };
    return settled as unknown as Promise<typeof module>;
  });
  return Object.assign(page, { preload, isLoaded: () => loaded !== undefined });
}
