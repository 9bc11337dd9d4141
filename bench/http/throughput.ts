import autocannon from 'autocannon';
import { CONNECTIONS } from './settings.js';

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
  /** A POST with a fresh JSON body per request (each must be unique where the server enforces it). */
  body?: () => string;
}

/** Requests per second answered by `target` under autocannon (-c 64 -p 1) for one run; any non-2xx answer fails the bench. */
export async function throughput(target: LoadTarget, seconds: number): Promise<number> {
  const headers = { ...target.headers, ...(target.body ? { 'content-type': 'application/json' } : {}) };
  const body = target.body;
  const result = await autocannon({
    url: target.url, connections: CONNECTIONS, pipelining: 1, duration: seconds, headers,
    ...(body ? { method: 'POST' as const, requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }] } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.body ? 'POST' : 'GET'} ${target.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
}
