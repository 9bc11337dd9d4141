import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:http';

/** The deadlines a connection and its requests are held to (the process's configuration has them, among others). */
export interface ConnectionDeadlines {
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/**
 * Node checks request and header deadlines on a timer (30 s by default), so a 10 s deadline could hold a
 * half-sent request for 40 s; checking at a quarter of the shortest deadline (at most every second) keeps it near.
 */
function connectionsCheckingInterval(requestTimeoutMs: number, headersTimeoutMs: number): number {
  return Math.max(25, Math.min(1000, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 4)));
}

/**
 * How the server holds every connection and names every request, whatever the route: a client sending half a
 * request is cut off rather than kept open for minutes, and each request gets a random id (its log lines and its
 * answer's `x-request-id`; a client's own id header is not taken). The bench's bare peer with the server's policies
 * (bench/http/bare-server.ts) is built with the same options.
 */
export function connectionOptions(deadlines: ConnectionDeadlines): {
  requestTimeout: number; connectionTimeout: number; keepAliveTimeout: number; http: ServerOptions; genReqId: () => string; requestIdHeader: false;
} {
  return {
    requestTimeout: deadlines.requestTimeoutMs,
    connectionTimeout: deadlines.connectionTimeoutMs,
    keepAliveTimeout: deadlines.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(deadlines.headersTimeoutMs, deadlines.requestTimeoutMs),
      connectionsCheckingInterval: connectionsCheckingInterval(deadlines.requestTimeoutMs, deadlines.headersTimeoutMs),
    },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
  };
}
