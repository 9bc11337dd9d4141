import type { Problem } from './types.js';

/**
 * The server answered with a status of 400 or more. `problem` is the parsed problem+json body when the body was
 * JSON; `body` is the raw text either way.
 *
 * @example
 * try { await ax.users.get(id); }
 * catch (e) { if (e instanceof HttpError && e.status === 404) console.log('no such user'); else throw e; }
 */
export class HttpError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly method: string;
  readonly url: string;

  constructor(init: {
    status: number;
    problem: Problem | undefined;
    headers: Record<string, string>;
    body: string;
    method: string;
    url: string;
  }) {
    super(`${init.method} ${init.url}: ${init.status} ${init.problem?.detail ?? init.problem?.title ?? ''}`.trimEnd());
    this.name = 'HttpError';
    this.status = init.status;
    this.problem = init.problem;
    this.headers = init.headers;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }

  /** The problem's `detail`, else its `title`, else empty. */
  get reason(): string {
    return this.problem?.detail ?? this.problem?.title ?? '';
  }
}

/**
 * The server could not be reached (refused, unknown host, reset, timed out) or answered something that is not
 * HTTP JSON. `endpoint` is the base URL that was tried.
 */
export class ConnectionError extends Error {
  readonly endpoint: string;
  /** The system error code, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, or `EBADRESPONSE`. */
  readonly code: string;

  constructor(endpoint: string, code: string, message: string) {
    super(message);
    this.name = 'ConnectionError';
    this.endpoint = endpoint;
    this.code = code;
  }
}
