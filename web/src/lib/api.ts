import { ApiClient } from '../../../src/client/api-client.js';
import { encodeQuery, segment, type HttpTransport, type RequestOptions, type TransportResponse } from '../../../src/client/http-transport.js';
import type { ConsoleSession, Invitation, OAuthInteraction, OAuthInteractionDecision, Pagination } from '../../../src/client/types.js';
import type { Static } from '@sinclair/typebox';
import type { SsoDiscoverResult } from '../../../src/wire/identity-providers.js';

/**
 * The console's API: the library client (`ax-admin-plane/client`, typed by the server's schemas) over fetch, with
 * the same-origin session cookie, the CSRF token on every change, and problem bodies turned into readable errors.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;

  constructor(status: number, title: string, detail?: string) {
    super(detail && detail !== title ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
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
      const body = JSON.parse(text) as { title?: unknown; detail?: unknown; message?: unknown };
      const title = typeof body.title === 'string' ? body.title : fallback;
      const detail =
        typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : undefined;
      return new ApiError(res.status, title, detail);
    } catch {
      return new ApiError(res.status, fallback, text.slice(0, 300));
    }
  }
  return new ApiError(res.status, fallback);
}

/** Same-origin fetch: the session cookie authenticates, the CSRF header guards changes. */
class BrowserTransport implements HttpTransport {
  readonly endpoint = '';

  async request<T>(options: RequestOptions): Promise<TransportResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    let res: Response;
    try {
      res = await fetch(options.path + encodeQuery(withoutEmpty(options.query)), {
        method: options.method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
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

/** A list answer as the tables page through it: its items and its pagination. */
export async function page<K extends string, T>(list: Promise<{ [P in K]: T[] } & { pagination: Pagination }>, key: K): Promise<Page<T>> {
  const body = await list;
  return { items: body[key] ?? [], pagination: body.pagination };
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
