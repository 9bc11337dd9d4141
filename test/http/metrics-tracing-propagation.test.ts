import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedSpan, startOtlpCollector } from '../helpers/otlp-collector.js';
import { startTestServer } from '../helpers/server.js';

/**
 * Issue 16, tracing: a request carrying a W3C `traceparent` header joins the caller's trace — its SERVER span is a
 * child of the caller's span, with its service and query spans below it — and a request without one (or with a malformed one) starts a trace of its own.
 */
describe('OpenTelemetry trace context from the caller', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let received: ReceivedSpan[];
  let endpoint: string;
  beforeAll(async () => {
    collector = await startOtlpCollector();
    ({ received, endpoint } = collector);
  });
  afterAll(() => collector.close());

  it('continues an incoming traceparent, and starts a new trace without a valid one', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const server = await startTestServer({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint } });
    const statuses: number[] = [];
    try {
      statuses.push((await server.api('GET', '/v2/spaces', { headers: { traceparent: `00-${callerTrace}-${callerSpan}-01`, tracestate: 'vendor=1' } })).status);
      statuses.push((await server.api('GET', '/v2/users')).status);
      statuses.push((await server.api('GET', '/v2/roles', { headers: { traceparent: 'not-a-trace-context' } })).status);
    } finally {
      // Closing flushes the batch of spans to the collector.
      await server.close();
    }
    expect(statuses).toEqual([200, 200, 200]);
    const span = (name: string) => {
      const found = received.find((s) => s.name === name);
      expect(found, `${name} among ${JSON.stringify(received.map((s) => s.name))}`).toBeDefined();
      return found!;
    };
    const joined = span('GET /v2/spaces');
    expect(joined.traceId).toBe(callerTrace);
    expect(joined.parentSpanId).toBe(callerSpan);
    // The service call's span and its queries stay in the caller's trace, below the request's span.
    expect(span('service spaces.listSpaces')).toMatchObject({ traceId: callerTrace, parentSpanId: joined.spanId });

    for (const name of ['GET /v2/users', 'GET /v2/roles']) {
      const own = span(name);
      expect(own.traceId).not.toBe(callerTrace);
      expect(own.parentSpanId || undefined).toBeUndefined();
    }
  });
});
