/**
 * What the resources need from a transport: one JSON request, answered with its status and parsed body, a
 * problem answer thrown as an error. The node:http one is {@link Transport} (the CLI, the library); the console
 * brings its own over fetch, with its session cookie.
 */
export interface HttpTransport {
  /** Base URL requests go to ('' for same-origin). */
  readonly endpoint: string;
  request<T>(options: RequestOptions): Promise<TransportResponse<T>>;
}

/** A query value: arrays are sent as repeated keys (`?status=ACTIVE&status=INVITED`), undefined is left out. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below the endpoint, starting with `/v2/`; path parameters already percent-encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface TransportResponse<T> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body; undefined for an empty body (204). */
  body: T;
}

/** Encodes a query object the way Arize's generated clients do: form style, arrays exploded. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Percent-encodes one path segment; ids contain `+`, `/` and `=`. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
