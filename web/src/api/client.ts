/**
 * A small typed client over fetch for the console: same-origin cookie session, the CSRF token on every
 * non-GET request, and RFC 7807 problem bodies turned into readable errors.
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

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

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

function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly string[]) params.append(key, v);
    } else {
      params.append(key, String(value));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Percent-encodes an id for a path segment (ids are padded base64 with `+`, `/` and `=`). */
export function seg(id: string): string {
  return encodeURIComponent(id);
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

async function send<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server', 'Check your connection and try again.');
  }
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && path.startsWith('/v2/')) onUnauthorized?.();
    throw error;
  }
  if (res.status === 204) return { status: 204, body: undefined as T };
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  return (await send<T>(method, path, opts)).body;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string, query?: Query) => request<T>('DELETE', path, { query }),
  /** POST that also returns the status, for endpoints where 200 and 201 mean different things. */
  postWithStatus: <T>(path: string, body: unknown) => send<T>('POST', path, { body }),
};

/** A readable one-line message for anything thrown by the client or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
