import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { enableServiceTracing } from './service-tracing.js';

const spans = new WeakMap<object, Span>();

/**
 * A SERVER span per request (`GET /v2/spaces/:space_id`, with the route template, status and request id), active
 * while the route handler runs, so the spans of the service calls the handler makes (`traceServices`) and the
 * store's query spans below them nest under it. A request that carries a W3C `traceparent` header (and `tracestate`) continues the caller's
 * trace: its span is a child of the caller's span, through the propagator the tracer provider registered (the SDK's
 * default, W3C trace context and baggage). Registered only when tracing is configured.
 */
export function registerRequestTracing(app: FastifyInstance): void {
  // Taken here, from the provider registered for this server, not once per process: a tracer taken before a provider
  // is replaced (a second server of the process, a test) keeps sending to the one shut down.
  const tracer = trace.getTracer('ax-http');
  enableServiceTracing({ trace, SpanStatusCode });
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const caller = propagation.extract(context.active(), request.headers);
    spans.set(request, tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'ax.request_id': request.id },
    }, caller));
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function traced(request, reply) {
      const span = spans.get(request);
      return span ? context.with(trace.setSpan(context.active(), span), handler, this, request, reply) : handler.call(this, request, reply);
    };
  });
}
