import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AllowList, specialAddressKind } from './address-policy.js';

/** The guard refused the URL before any connection (scheme, credentials, a private address). */
export class OutboundRefusedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'OutboundRefusedError';
    this.reason = reason;
  }
}

/** The request was allowed but did not produce a usable answer (unreachable, timeout, too large, too many redirects). */
export class OutboundFailedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'OutboundFailedError';
    this.reason = reason;
  }
}

export interface OutboundOptions {
  /** AX_SSO_ALLOWED_PRIVATE_HOSTS: host names, IP addresses or CIDRs that may be private and use http; `*` = all. */
  allowedPrivateHosts: readonly string[];
  /** For the whole exchange, redirects included. Default 5000. */
  timeoutMs?: number;
  /** Response body cap. Default 1 MiB. */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

interface Exchange {
  allowList: AllowList;
  deadline: number;
  maxBytes: number;
  signal: AbortSignal | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ALLOW_HINT = 'allow it with AX_SSO_ALLOWED_PRIVATE_HOSTS';

/** getaddrinfo has its own, long timeouts: the lookup counts against the exchange's deadline too. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OutboundFailedError(`${what} did not finish within the time limit`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Checks a URL and resolves its host once; returns the addresses to connect to (all of them checked). */
async function vet(url: URL, allowList: AllowList, deadline: number): Promise<{ address: string; family: number }[]> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefusedError(`${url.protocol} URLs are not allowed: use https`);
  if (url.username !== '' || url.password !== '') throw new OutboundRefusedError('the URL must not contain a user name or password');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const hostAllowed = allowList.allowsHost(host);
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await beforeDeadline(lookup(host, { all: true, verbatim: true }), deadline, `resolving ${host}`);
    } catch (error) {
      if (error instanceof OutboundFailedError) throw error;
      throw new OutboundFailedError(`cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (addresses.length === 0) throw new OutboundFailedError(`cannot resolve ${host}`);
  }
  if (!hostAllowed) {
    for (const { address } of addresses) {
      const kind = specialAddressKind(address);
      if (kind && !allowList.allowsAddress(address)) {
        throw new OutboundRefusedError(address === host
          ? `${host} is ${kind} address; ${ALLOW_HINT}`
          : `${host} resolves to ${address}, ${kind} address; ${ALLOW_HINT}`);
      }
    }
  }
  if (url.protocol === 'http:' && !hostAllowed && !addresses.every(({ address }) => allowList.allowsAddress(address))) {
    throw new OutboundRefusedError(`http is allowed only for hosts in AX_SSO_ALLOWED_PRIVATE_HOSTS: use https for ${host}`);
  }
  return addresses;
}

/** A `lookup` that answers with the already checked addresses, so the connection cannot be re-resolved (DNS rebinding). */
function pinnedLookup(addresses: { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = addresses[0]!;
    if (options.all) (callback as (error: null, all: typeof addresses) => void)(null, addresses);
    else callback(null, first.address, first.family);
  };
}

function send(url: URL, addresses: { address: string; family: number }[], init: OutboundRequest, exchange: Exchange): Promise<{ response: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const remaining = exchange.deadline - Date.now();
    if (remaining <= 0) {
      reject(new OutboundFailedError('timed out'));
      return;
    }
    const headers: Record<string, string> = { 'user-agent': 'ax-admin-plane', ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const options: RequestOptions = {
      method: init.method ?? 'GET',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      lookup: pinnedLookup(addresses),
      agent: false,
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new OutboundFailedError(`${url.host} did not answer within the time limit`)), remaining);
    const onAbort = () => fail(new OutboundFailedError('the request was aborted'));
    if (exchange.signal?.aborted) {
      onAbort();
      return;
    }
    exchange.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => fail(new OutboundFailedError(`cannot reach ${url.host}: ${error.code ?? error.message}`)));
    request.on('response', (response) => {
      const declared = Number(response.headers['content-length']);
      if (declared > exchange.maxBytes) {
        fail(new OutboundFailedError(`the answer from ${url.host} is larger than ${exchange.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > exchange.maxBytes) fail(new OutboundFailedError(`the answer from ${url.host} is larger than ${exchange.maxBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('error', (error) => fail(new OutboundFailedError(`cannot read the answer from ${url.host}: ${error.message}`)));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        exchange.signal?.removeEventListener('abort', onAbort);
        resolve({ response, body: Buffer.concat(chunks) });
      });
    });
    request.end(init.body);
  });
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i]!;
    // No cookie jar: an IdP's cookies are never stored or sent back.
    if (name.toLowerCase() !== 'set-cookie') headers.append(name, response.rawHeaders[i + 1]!);
  }
  return headers;
}

/**
 * The one way SSO code talks to an identity provider (identity.md §2.7): https only (http only for allow-listed
 * hosts), no credentials in the URL, the host resolved once and refused when any address is special-use (unless
 * allow-listed), the connection pinned to the checked addresses, each redirect checked again, no cookies, a body
 * cap and one deadline for the whole exchange. Answers every final status; callers decide what a non-2xx means.
 */
export async function guardedFetch(url: string, init: OutboundRequest, options: OutboundOptions, signal?: AbortSignal): Promise<OutboundResponse> {
  const exchange: Exchange = {
    allowList: new AllowList(options.allowedPrivateHosts),
    deadline: Date.now() + (options.timeoutMs ?? 5000),
    maxBytes: options.maxBytes ?? 1024 * 1024,
    signal,
  };
  const maxRedirects = options.maxRedirects ?? 3;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new OutboundRefusedError(`not a valid URL: ${url}`);
  }
  let current: OutboundRequest = { ...init, headers: withoutCookies(init.headers) };
  for (let redirects = 0; ; redirects += 1) {
    const addresses = await vet(target, exchange.allowList, exchange.deadline);
    const { response, body } = await send(target, addresses, current, exchange);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!REDIRECTS.has(status) || location === undefined || maxRedirects === 0) {
      return { status, headers: headersOf(response), body, url: target.href };
    }
    if (redirects >= maxRedirects) throw new OutboundFailedError(`more than ${maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, target);
    } catch {
      throw new OutboundFailedError(`${target.host} redirected to an invalid URL`);
    }
    current = redirected(current, status, next.origin !== target.origin);
    target = next;
  }
}

function withoutCookies(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'cookie'));
}

/** 303, and 301/302 after a POST, continue as a GET without the body; credentials never follow to another origin. */
function redirected(request: OutboundRequest, status: number, crossOrigin: boolean): OutboundRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([name]) => {
    const lower = name.toLowerCase();
    return !(crossOrigin && lower === 'authorization') && !(toGet && (lower === 'content-type' || lower === 'content-length'));
  }));
  return toGet ? { method: 'GET', headers } : { ...request, headers };
}

/** A `fetch` over guardedFetch, for openid-client's `customFetch`: every request it makes goes through the guard. */
export function guardedFetchFunction(options: OutboundOptions): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input instanceof URL ? input.href : String(input);
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new OutboundRefusedError(`method ${method} is not allowed`);
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? request?.headers).forEach((value, name) => { headers[name] = value; });
    const rawBody = init?.body ?? (request && method === 'POST' ? await request.text() : undefined);
    const body = rawBody === undefined || rawBody === null ? undefined : await new Response(rawBody).text();
    const manual = (init?.redirect ?? request?.redirect) === 'manual';
    const answer = await guardedFetch(url, { method, headers, body }, manual ? { ...options, maxRedirects: 0 } : options, init?.signal ?? request?.signal);
    const nullBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
    const response = new Response(nullBody ? null : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
    Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  };
}
