import http from 'node:http';
import { ConnectionError, HttpError } from './errors.js';
import { encodeQuery, type HttpTransport, type RequestOptions, type TransportResponse } from './http-transport.js';
import type { Problem } from './types.js';

export type { QueryValue, RequestOptions, TransportResponse } from './http-transport.js';
export { encodeQuery, segment } from './http-transport.js';

/**
 * Where a bearer token that expires comes from (an OAuth login): asked before every request, and once more after a
 * 401, so the holder can refresh it.
 *
 * @example
 * const tokens: BearerTokenSource = { current: async () => store.access, renew: async () => (await store.refresh()).access };
 */
export interface BearerTokenSource {
  /** The token for the next request (refreshed first when it is about to expire). */
  current(): Promise<string>;
  /** `rejected` was answered 401: a new token to retry the request with once, or undefined to report the 401. */
  renew(rejected: string): Promise<string | undefined>;
}

export interface TransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** A token that expires, sent as `Authorization: Bearer <token>` when there is no `apiKey`. */
  tokens?: BearerTokenSource | undefined;
  /** Milliseconds before a request is abandoned; default 30 000 (as Arize's Go client). */
  timeoutMs?: number;
  userAgent?: string;
}

/**
 * JSON over node:http(s). Global fetch is avoided on purpose: on Node 20 its first request adds ~180 ms of
 * start-up, which the CLI pays on every invocation.
 */
export class Transport implements HttpTransport {
  readonly endpoint: string;
  private readonly base: URL;
  private readonly apiKey: string | undefined;
  private readonly tokens: BearerTokenSource | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private agent: http.Agent | undefined;

  constructor(options: TransportOptions) {
    this.base = new URL(options.endpoint);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new TypeError(`endpoint must be an http:// or https:// URL, got ${options.endpoint}`);
    }
    this.endpoint = this.base.origin + this.base.pathname.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.tokens = options.tokens;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'ax-client';
  }

  async request<T>(options: RequestOptions): Promise<TransportResponse<T>> {
    const token = this.apiKey ?? (await this.tokens?.current());
    try {
      return await this.send<T>(options, token);
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 401 && this.apiKey === undefined && this.tokens && token !== undefined)) throw error;
      const renewed = await this.tokens.renew(token);
      if (renewed === undefined) throw error;
      return this.send<T>(options, renewed);
    }
  }

  private async send<T>(options: RequestOptions, token: string | undefined): Promise<TransportResponse<T>> {
    const url = this.endpoint + options.path + encodeQuery(options.query);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const module = this.base.protocol === 'https:' ? await import('node:https') : http;
    // Keep-alive lets name resolution and the real call share one connection; idle sockets are unref'd by the agent.
    this.agent ??= new module.Agent({ keepAlive: true });
    const agent = this.agent;
    const { status, responseHeaders, text } = await new Promise<{
      status: number;
      responseHeaders: Record<string, string>;
      text: string;
    }>((resolve, reject) => {
      const req = module.request(url, { method: options.method, headers, agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(this.connectionError(error)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            responseHeaders: flattenHeaders(res.headers),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => reject(this.connectionError(error)));
      req.end(payload);
    });
    const isJson = (responseHeaders['content-type'] ?? '').includes('json');
    let body: unknown;
    if (text.length > 0 && isJson) {
      try {
        body = JSON.parse(text);
      } catch {
        if (status < 400) throw new ConnectionError(this.endpoint, 'EBADRESPONSE', `${this.endpoint} answered with malformed JSON`);
      }
    }
    if (status >= 400) {
      throw new HttpError({
        status,
        problem: isProblem(body) ? body : undefined,
        headers: responseHeaders,
        body: text,
        method: options.method,
        url,
      });
    }
    if (text.length > 0 && !isJson) {
      throw new ConnectionError(this.endpoint, 'EBADRESPONSE', `${this.endpoint} answered ${status} without a JSON body; is it an ax server?`);
    }
    return { status, headers: responseHeaders, body: body as T };
  }

  private connectionError(error: Error & { code?: string }): ConnectionError {
    const code = error.code ?? 'ECONNECTION';
    return new ConnectionError(this.endpoint, code, `could not reach ${this.endpoint}: ${error.message}`);
  }
}

/** A response's headers, one string each (repeated ones joined with ", "). */
export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && ('title' in body || 'detail' in body || 'status' in body);
}
