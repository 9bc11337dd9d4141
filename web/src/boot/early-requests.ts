/**
 * GET requests started by the entry (main.tsx) before React and the app's code have loaded, so that the first
 * screen's answers travel while that code is fetched and evaluated instead of one after another behind it. The
 * console's transport takes a started answer instead of asking again (`takeEarly`), once; whatever the first screen
 * did not take is dropped (`dropEarly`), so that no later request is answered from the boot's moment.
 */

/** What the console's fetches accept: JSON answers and problem bodies. */
export const ACCEPT_JSON = 'application/json, application/problem+json';

const started = new Map<string, Promise<Response>>();

/** Starts a same-origin GET of each path (as the console's transport would send it). */
export function startEarly(paths: readonly string[]): void {
  for (const path of paths) {
    const response = fetch(path, { headers: { accept: ACCEPT_JSON }, credentials: 'same-origin' });
    // A failure is reported to whoever takes the answer; one nobody takes is not an unhandled rejection.
    response.catch(() => undefined);
    started.set(path, response);
  }
}

/** The answer of the early GET of `path` (path and query, exactly as started), at most once. */
export function takeEarly(path: string): Promise<Response> | undefined {
  const response = started.get(path);
  started.delete(path);
  return response;
}

/** Forgets the early answers nobody took, their bodies unread and let go: from now on every request goes to the server. */
export function dropEarly(): void {
  for (const response of started.values()) response.then((res) => res.body?.cancel(), () => undefined);
  started.clear();
}
