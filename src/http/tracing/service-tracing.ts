import type { Span, SpanStatusCode } from '@opentelemetry/api';
import { ApiError } from '../../domain/errors.js';

/** The parts of @opentelemetry/api a service span needs, handed over by the server that traces. */
type TracingApi = Pick<typeof import('@opentelemetry/api'), 'trace' | 'SpanStatusCode'>;

/** Set once a server with tracing starts; a process without tracing never loads @opentelemetry/api. */
let otel: TracingApi | undefined;

/** Turns service spans on for the process: called when a server with tracing starts (until then a call costs one test). */
export function enableServiceTracing(api: TracingApi): void {
  otel = api;
}

/**
 * The service functions a route or resolver calls, each in a span of its own while tracing is on: `service
 * users.listUsers`, a child of the span active at the call (the request's), so the queries the service runs nest
 * under it. Applied once per imported service module, where the HTTP layer imports it:
 * `const { listUsers } = traceServices('users', users)`. Functions the module exports keep their signatures; other
 * exports pass through. With tracing off (the default) a call is the service call plus one boolean test; a call
 * outside any span (a background task) is never traced.
 */
export function traceServices<Module extends object>(module: string, functions: Module): Module {
  const traced: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(functions)) {
    traced[name] = typeof value === 'function' ? traceService(`${module}.${name}`, value as (...args: unknown[]) => unknown) : value;
  }
  return traced as Module;
}

function traceService(qualified: string, service: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const name = `service ${qualified}`;
  return function traced(this: unknown) {
    // `arguments`, not a rest parameter: no array is made for the untraced call.
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const api = otel;
    if (api === undefined || api.trace.getActiveSpan() === undefined) return service.apply(this, args);
    const error = api.SpanStatusCode.ERROR;
    return api.trace.getTracer('ax-service').startActiveSpan(name, { attributes: { 'code.function.name': qualified } }, (span) => {
      let result: unknown;
      try {
        result = service.apply(this, args);
      } catch (thrown) {
        fail(span, thrown, error);
        throw thrown;
      }
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then((value: unknown) => {
        span.end();
        return value;
      }, (thrown: unknown) => {
        fail(span, thrown, error);
        throw thrown;
      });
    });
  };
}

/** Ends the span of a service that threw: the exception recorded; an error status unless it is a refusal (4xx) the API answers. */
function fail(span: Span, error: unknown, errorStatus: SpanStatusCode): void {
  if (error instanceof Error) span.recordException(error);
  if (!(error instanceof ApiError && error.status < 500)) span.setStatus({ code: errorStatus });
  span.end();
}
