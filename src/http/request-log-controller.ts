import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';

/** The probes' paths, whose request lines AX_LOG_HEALTH_CHECKS=false leaves out of the log. */
const HEALTH_CHECK = /^\/(?:healthz|readyz)(?:\?|$)/;

/**
 * False when the logger drops `info` lines (AX_LOG_LEVEL=warn and above): a success's lines would be built, with the
 * reply's timing, only to be dropped, on every request. A logger that cannot say (not pino) is asked to log.
 */
function logsInfo(log: FastifyBaseLogger): boolean {
  return (log as Partial<Pick<Logger, 'isLevelEnabled'>>).isLevelEnabled?.('info') !== false;
}

export interface RequestLogOptions {
  /** false: no request lines for /healthz and /readyz. */
  logHealthChecks: boolean;
  /** AX_LOG_SAMPLE_RATE: the share (0..1) of successful requests (status < 400) whose line is logged. */
  sampleRate: number;
}

/**
 * Which request lines the log gets (Fastify's LogController, extended). With every request logged (rate 1) Fastify's
 * two lines stay, "incoming request" and "request completed". When successful requests are sampled, a request's
 * status is only known once it completes, so each request gets one line then, "request completed" with the request
 * and the response in it: every error (status 400 and above, and requests that failed), and of the successful ones
 * the given share. The share is kept by a counter, not a random draw (the n-th success is logged when n × rate
 * reaches a new whole number), so rate 0.25 logs exactly every fourth success and a test can count them.
 */
export class RequestLogController extends LogController {
  readonly #sampleRate: number;
  #successes = 0;

  constructor(options: RequestLogOptions) {
    super(options.logHealthChecks ? {} : { disableRequestLogging: (request: FastifyRequest) => HEALTH_CHECK.test(request.url) });
    this.#sampleRate = options.sampleRate;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (this.#sampleRate < 1 || !logsInfo(request.log)) return;
    super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.#sampleRate >= 1) {
      if (!error && !logsInfo(reply.log)) return;
      return super.requestCompleted(error, request, reply);
    }
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (reply.statusCode < 400 && !this.#sampled()) return;
    reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  /** The n-th success is logged when n × rate reaches a new whole number (a product, not a running sum of rates). */
  #sampled(): boolean {
    const n = ++this.#successes;
    return Math.floor(n * this.#sampleRate) > Math.floor((n - 1) * this.#sampleRate);
  }
}
