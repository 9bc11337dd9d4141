import { keyView, ownKeysPath } from '../pages/api-keys/key-view.js';

/** Pages shown to whoever is not signed in: they ask who is signed in, but nothing of the API. */
const PUBLIC_PAGE = /^\/(?:login$|invite\/|reset\/)/;

/**
 * The GETs the console makes first on opening `pathname` + `search`, whatever it then shows: who is signed in
 * (App), the signed-in principal (App, before the shell), and the first answer the page itself waits for. Paths and
 * queries are those the console's own requests use, since an early answer is only taken by an identical request.
 */
export function firstRequests(pathname: string, search: string): string[] {
  if (PUBLIC_PAGE.test(pathname)) return ['/auth/session'];
  return ['/auth/session', '/v2/me', ...pageRequests(pathname, new URLSearchParams(search))];
}

function pageRequests(pathname: string, query: URLSearchParams): string[] {
  if (pathname !== '/settings/api-keys') return [];
  // Whoever may open the account's tab is an account admin, known only from /v2/me: that tab is not guessed at.
  const { tab, status } = keyView(query, true);
  return tab === 'ALL' ? [] : [ownKeysPath(tab, status)];
}
