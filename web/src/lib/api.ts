import { ApiClient } from '../../../src/client/api-client.js';
import { encodeQuery, segment, type HttpTransport, type RequestOptions, type TransportResponse } from '../../../src/client/http-transport.js';
import type { ConsoleSession, Invitation, OAuthInteraction, OAuthInteractionDecision, Pagination } from '../../../src/client/types.js';
import type { Static } from '@sinclair/typebox';
import type { SsoDiscoverResult } from '../../../src/wire/identity-providers.js';
import { ACCEPT_JSON, arrivedEarly, takeEarly } from '../boot/early-requests.js';

/**
 * The console's API: the library client (`ax-admin-plane/client`, typed by the server's schemas) over fetch, with
 * the same-origin session cookie, the CSRF token on every change, and problem bodies turned into readable errors.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  /** The problem's stable `code` (the server's error catalogue), when the answer had one. */
  readonly code: string | undefined;

  constructor(status: number, title: string, detail?: string, code?: string) {
    super(humanMessage(status, title, detail, code));
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.code = code;
  }
}

/**
 * Details the server writes for scripts (`field: rule`, permission names) that deserve a sentence of their own in
 * the console, first match wins.
 */
const DETAIL_SENTENCES: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^current_password is not your current password$/, () => 'The current password you entered is not right.'],
  [/^account admin required$/, () => 'Only account admins may do this.'],
  [/^account admin required to (.+)$/, (m) => `Only account admins may ${m[1]}.`],
  [/^missing or wrong x-csrf-token header$/, () => 'Your session has changed in another tab; reload the page and try again.'],
  [/^missing permission (\w+) on this (\w+)$/, (m) => `You are not allowed to do this: it needs ${permissionWords(m[1]!)} on this ${m[2]}.`],
  [/^you do not hold (\w+) on this (\w+)$/, (m) => `You are not allowed to do this: it needs ${permissionWords(m[1]!)} on this ${m[2]}.`],
  [/^the user already has a role binding on this (\w+)/, (m) => `This person already has a role binding on this ${m[1]}; change the role on their row instead.`],
  [/user_id: the user is not a member of the space's organization/, () => 'This person is not a member of the space\'s organization yet; add them to the organization first.'],
];

/** Sentences for answers without a useful detail, by problem code (then by status). */
const CODE_SENTENCES: Readonly<Record<string, string>> = {
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'This no longer exists, or you are not allowed to see it.',
  ROUTE_NOT_FOUND: 'This no longer exists, or you are not allowed to see it.',
  CONFLICT: 'Something with this name already exists.',
  INVALID_CREDENTIALS: 'Incorrect email or password.',
  UNAUTHENTICATED: 'Your session has ended; sign in again.',
  RATE_LIMITED: 'Too many attempts in a short time; wait a moment and try again.',
  INTERNAL: 'Something went wrong on the server; try again, and tell the operator if it keeps happening.',
  UNAVAILABLE: 'The server is busy or starting; try again shortly.',
};
const STATUS_SENTENCES: Readonly<Record<number, string>> = {
  401: CODE_SENTENCES.UNAUTHENTICATED!,
  403: CODE_SENTENCES.FORBIDDEN!,
  404: CODE_SENTENCES.NOT_FOUND!,
  409: CODE_SENTENCES.CONFLICT!,
  429: CODE_SENTENCES.RATE_LIMITED!,
  500: CODE_SENTENCES.INTERNAL!,
  503: CODE_SENTENCES.UNAVAILABLE!,
};
/**
 * HTTP reason phrases say nothing a person can act on, and "name already exists" (the server's title for every name
 * conflict) only repeats its detail; other titles (e.g. "Password too easy to guess") do say something.
 */
const GENERIC_TITLES = new Set(['Bad Request', 'Invalid request', 'Forbidden', 'Not Found', 'Conflict', 'Unprocessable Entity', 'Unauthorized', 'Internal Server Error', 'Service Unavailable', 'Too Many Requests', 'name already exists']);

/** SPACE_UPDATE → "the permission to update spaces"-like words: "Space update". */
function permissionWords(permission: string): string {
  const words = permission.toLowerCase().replace(/_/g, ' ');
  return `the permission “${words.charAt(0).toUpperCase()}${words.slice(1)}”`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * One sentence a person can act on, from a problem body: a known detail gets its own sentence; another detail loses
 * the field path meant for scripts (`organizations[0].spaces: …`); a generic HTTP title is never shown.
 */
function humanMessage(status: number, title: string, detail: string | undefined, code: string | undefined): string {
  if (detail && detail !== title) {
    for (const [pattern, say] of DETAIL_SENTENCES) {
      const m = detail.match(pattern);
      if (m) return say(m);
    }
    const rule = sentence(detail.replace(/^[a-z_][\w.[\]]*: /, ''));
    return GENERIC_TITLES.has(title) ? rule : `${title}: ${rule}`;
  }
  if (!GENERIC_TITLES.has(title) && title !== '') return sentence(title);
  return (code && CODE_SENTENCES[code]) ?? STATUS_SENTENCES[status] ?? sentence(title || `HTTP ${status}`);
}

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Set from the session body; sent as `x-csrf-token` on every mutation. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a /v2 request answers 401 (the session ended). */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

async function toError(res: Response): Promise<ApiError> {
  const fallback = res.statusText || `HTTP ${res.status}`;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      const body = JSON.parse(text) as { title?: unknown; detail?: unknown; message?: unknown; code?: unknown };
      const title = typeof body.title === 'string' ? body.title : fallback;
      const detail =
        typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : undefined;
      return new ApiError(res.status, title, detail, typeof body.code === 'string' ? body.code : undefined);
    } catch {
      // Not a problem body (a proxy's page): its text is no sentence for a person.
      return new ApiError(res.status, fallback);
    }
  }
  return new ApiError(res.status, fallback);
}

/** Same-origin fetch: the session cookie authenticates, the CSRF header guards changes. */
class BrowserTransport implements HttpTransport {
  readonly endpoint = '';

  async request<T>(options: RequestOptions): Promise<TransportResponse<T>> {
    const headers: Record<string, string> = { accept: ACCEPT_JSON };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    const url = options.path + encodeQuery(withoutEmpty(options.query));
    let res: Response;
    try {
      // A GET the entry started for the first screen is answered by that request, not asked again.
      res = await ((options.method === 'GET' ? takeEarly(url) : undefined) ??
        fetch(url, {
          method: options.method,
          headers,
          credentials: 'same-origin',
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        }));
    } catch {
      throw new ApiError(0, 'Cannot reach the server', 'Check your connection and try again.');
    }
    if (!res.ok) {
      const error = await toError(res);
      if (res.status === 401 && options.path.startsWith('/v2/')) onUnauthorized?.();
      throw error;
    }
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    if (res.status === 204) return { status: 204, headers: responseHeaders, body: undefined as T };
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // A 2xx that is not JSON comes from something between the console and the server (a proxy's page).
      throw new ApiError(res.status, 'Unexpected answer from the server', 'The server answered with something that is not JSON; try again.');
    }
    return { status: res.status, headers: responseHeaders, body: body as T };
  }
}

/** The form fields of a filter are sent only when filled in, as the console always did. */
function withoutEmpty(query: RequestOptions['query']): RequestOptions['query'] {
  if (!query) return query;
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

const transport = new BrowserTransport();

/** The typed `/v2` client the console's pages use. */
export const api = new ApiClient(transport);

async function call<T>(method: RequestOptions['method'], path: string, body?: unknown): Promise<T> {
  return (await transport.request<T>({ method, path, body })).body;
}

/** The console's own `/auth` endpoints (sessions, invitations, password resets): not part of the `/v2` client. */
export const auth = {
  session: () => call<ConsoleSession>('GET', '/auth/session'),
  login: (email: string, password: string) => call<ConsoleSession>('POST', '/auth/login', { email, password }),
  logout: () => call<void>('POST', '/auth/logout'),
  changePassword: (current_password: string, new_password: string) =>
    call<void>('POST', '/auth/change-password', { current_password, new_password }),
  invitation: (token: string) => call<Invitation>('GET', `/auth/invitations/${segment(token)}`),
  acceptInvitation: (token: string, password: string) =>
    call<ConsoleSession>('POST', `/auth/invitations/${segment(token)}/accept`, { password }),
  resetPassword: (token: string, password: string) => call<void>('POST', `/auth/password-resets/${segment(token)}`, { password }),
  /** Which sign-in an email's domain gets: password, single sign-on (and its start URL), or both. */
  discoverSso: (email: string) => call<SsoDiscovery>('POST', '/auth/sso/discover', { email }),
  /** A pending `ax auth login`: which client asks, from which loopback port, and as whom it would act. */
  cliLogin: (uid: string) => call<OAuthInteraction>('GET', `/auth/oauth/interactions/${segment(uid)}`),
  /** Approves or denies it; the answer names where the browser goes next (the OAuth server, then the CLI). */
  decideCliLogin: (uid: string, decision: 'approve' | 'deny') =>
    call<OAuthInteractionDecision>('POST', `/auth/oauth/interactions/${segment(uid)}/${decision}`),
};

/** `POST /auth/sso/discover`'s answer: whether the email's domain signs in through an identity provider, and where. */
export type SsoDiscovery = Static<typeof SsoDiscoverResult>;

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** A list answer of the API: its items under `key`, and its pagination. */
type ListAnswer<K extends string, T> = { [P in K]: T[] } & { pagination: Pagination };

function pageOf<K extends string, T>(body: ListAnswer<K, T>, key: K): Page<T> {
  return { items: body[key] ?? [], pagination: body.pagination };
}

/** A list answer as the tables page through it: its items and its pagination. */
export async function page<K extends string, T>(list: Promise<ListAnswer<K, T>>, key: K): Promise<Page<T>> {
  return pageOf(await list, key);
}

/** The list the console's entry asked for early at `path` (path and query), as a page, if it has arrived. */
export function arrivedPage<K extends string, T>(path: string, key: K): Page<T> | undefined {
  const body = arrivedEarly<ListAnswer<K, T>>(path);
  return body && pageOf(body, key);
}

/** Follows cursors (100 per request) and returns every item; for selects and lookups, not for big tables. */
export async function listAll<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, max = 1000): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await fetchPage(cursor);
    all.push(...p.items);
    cursor = p.pagination.has_more ? p.pagination.next_cursor : undefined;
  } while (cursor && all.length < max);
  return all;
}

/** A readable one-line message for anything thrown by the client or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
