import autocannon from 'autocannon';
import { CONNECTIONS } from './settings.js';

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
  /** A POST with a fresh JSON body per request (each must be unique where the server enforces it). */
  body?: () => string;
}

/** How `target` is sent: a GET, or a POST whose headers name its JSON body's type. */
export function methodAndHeaders(target: LoadTarget): { method: 'GET' | 'POST'; headers: Record<string, string> | undefined } {
  return target.body === undefined ? { method: 'GET', headers: target.headers }
    : { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' } };
}

/** autocannon's options for sending `target`: its URL, method and headers, and a fresh body for each POST. */
export function autocannonRequest(target: LoadTarget): Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'requests'> {
  const { method, headers } = methodAndHeaders(target);
  const body = target.body;
  return { url: target.url, method, headers, ...(body ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: body() }) }] } : {}) };
}

/** Requests per second answered by `target` under autocannon (-c 64 -p 1) for one run; any non-2xx answer fails the bench. */
export async function throughput(target: LoadTarget, seconds: number): Promise<number> {
  const result = await autocannon({ ...autocannonRequest(target), connections: CONNECTIONS, pipelining: 1, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${methodAndHeaders(target).method} ${target.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
}
