import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

/**
 * A request's logger (Fastify's `request.log`), the pino child that binds the request id made only when a line is
 * written. Fastify makes one child per request, and pino serializes the bindings as it makes it: a few
 * microseconds on every request, for lines that at AX_LOG_LEVEL=warn almost no request writes. A line below the
 * level is dropped here without the child; every other use makes it and hands over, so what reaches the log is the
 * same.
 */
class RequestLogger implements FastifyBaseLogger {
  #child: Logger | undefined;

  constructor(private readonly parent: Logger, private readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  get level(): string {
    return this.#logger().level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  isLevelEnabled(level: Level): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.#write('error', args);
  }

  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }

  info(...args: unknown[]): void {
    this.#write('info', args);
  }

  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }

  #logger(): Logger {
    return this.#child ??= this.parent.child(this.bindings, this.options);
  }

  #write(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.parent.isLevelEnabled(level)) return;
    const logger = this.#logger();
    (logger[level] as (...line: unknown[]) => void).apply(logger, args);
  }
}

/**
 * Fastify's `childLoggerFactory` for pino: a RequestLogger, or pino's own child at once when the route sets its own
 * level or serializers (none does today), which decide what the child writes.
 */
export function requestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  for (const key in options) if (Object.hasOwn(options, key)) return logger.child(bindings, options);
  return new RequestLogger(logger as Logger, bindings, options);
}
