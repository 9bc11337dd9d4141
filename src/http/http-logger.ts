import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { type DestinationStream, type Logger, levels, pino, stdSerializers } from 'pino';
import { loggableUrl } from './loggable-url.js';
import { requestLogger } from './request-logger.js';

/**
 * What a line says of the request, the answer and an error: Fastify's own shapes, with the URL made loggable. Secrets
 * never reach the log: a request is written as its method, its URL (tokens in paths and secret query values
 * replaced, loggable-url.ts) and its address, never its headers, so no Authorization, `api_key`, `x-api-key`, cookie
 * or CSRF header can reach a line. No pino `redact` paths: they named headers this serializer never writes, and
 * checking them cost ~9k instructions on every request at `info` (two lines a request).
 */
const SERIALIZERS = {
  req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: loggableUrl(req.url), ip: req.ip }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
  err: stdSerializers.err,
};

/** The HTTP layer's logger (the app's and every request's) and the Fastify options that put it in place. */
export interface HttpLogging {
  log: Logger;
  /** false: Fastify is built without a logger of its own, and the app's `log` is set to `log` once it is built. */
  fastifyHasLogger: boolean;
  options: Pick<FastifyServerOptions, 'logger' | 'loggerInstance' | 'childLoggerFactory'>;
  /**
   * When Fastify has no logger: a request's logger, binding its id as Fastify does (`reqId`), which the app's first
   * onRequest hook gives the request and its reply (request-gate.ts).
   */
  requestLog?: (requestId: string) => FastifyBaseLogger;
}

/**
 * At `info` and below the log gets a line for every request as it completes, and Fastify is given the logger: it
 * then follows every answer to its end (two listeners, two clock reads, a callback) to write that line. Above
 * `info` (AX_LOG_LEVEL=warn, error, fatal, silent) no such line is ever written, so Fastify gets no logger and
 * skips that work on every request: each request's `request.log` is still a child of the same logger (`requestLog`,
 * given to the request and its reply by the app's first onRequest hook), so error lines (a 5xx, a hook's failure,
 * Fastify's warnings about a reply) are written as before, with the request id. What goes: Fastify's "request
 * errored" line for an answer whose stream itself failed, which only a write after the answer ended can cause
 * (Fastify refuses those with a warning of its own).
 */
export function httpLogging(level: string, stream?: DestinationStream): HttpLogging {
  const log = pino({ level, serializers: SERIALIZERS }, stream);
  const completedLinesWritten = level !== 'silent' && levels.values[level]! <= levels.values.info!;
  if (completedLinesWritten) {
    return { log, fastifyHasLogger: true, options: { loggerInstance: log, childLoggerFactory: requestLogger } };
  }
  // Not Fastify's childLoggerFactory: Fastify checks the seven methods of whatever a factory other than its own
  // returns, on every request (14 property reads at one site, which V8 cannot cache: ~2.1k instructions, 2 % of an
  // authenticated GET), where without a factory and a logger it gives the request its no-op logger and checks nothing.
  return { log, fastifyHasLogger: false, options: { logger: false }, requestLog: (requestId) => requestLogger(log, { reqId: requestId }, {}) };
}
