/**
 * Starts fetching the code of the console's home page, the API keys page (where `/` and signing in lead), when the
 * console opens on it: beside React instead of after it, when the app has run and matched the route. The route's
 * own import (routes.tsx) then finds the module loaded; a failure is reported there, where the page renders.
 */
export function preloadFirstPage(pathname: string): void {
  if (pathname === '/settings/api-keys') import('../pages/ApiKeysPage.js').catch(() => undefined);
}
