/**
 * GET requests started by the entry (main.tsx) before React and the app's code have loaded, so that the first
 * screen's answers travel while that code is fetched and evaluated instead of one after another behind it. The
 * console's transport takes a started answer instead of asking again (`takeEarly`), once; whatever the first screen
 * did not take is dropped (`dropEarly`), so that no later request is answered from the boot's moment.
 *
 * A 200's body is also read as it arrives (`arrivedEarly`): the app's first render can then show what has come
 * (who is signed in, the first page's rows) at once, rather than render "Loading…", ask, and render again, each
 * step a task and a paint behind the last.
 */

/** What the console's fetches accept: JSON answers and problem bodies. */
export const ACCEPT_JSON = 'application/json, application/problem+json';

const started = new Map<string, Promise<Response>>();
const arrived = new Map<string, unknown>();
/** False once the early answers are dropped: a body read after that is not kept. */
let open = true;

/** Starts a same-origin GET of each path (as the console's transport would send it). */
export function startEarly(paths: readonly string[]): void {
  for (const path of paths) {
    const response = fetch(path, { headers: { accept: ACCEPT_JSON }, credentials: 'same-origin' });
    // A failure is reported to whoever takes the answer; one nobody takes is not an unhandled rejection.
    response.catch(() => undefined);
    started.set(path, response);
    // A copy of the body, so that whoever takes the answer still reads it whole.
    response
      .then((res) => (res.status === 200 ? (res.clone().json() as Promise<unknown>) : undefined))
      .then((body) => {
        if (open && body !== undefined) arrived.set(path, body);
      }, () => undefined);
  }
}

/** The JSON body of the early GET of `path` when it has arrived with status 200, until the early answers are dropped. */
export function arrivedEarly<T>(path: string): T | undefined {
  return arrived.get(path) as T | undefined;
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
  arrived.clear();
  open = false;
}
