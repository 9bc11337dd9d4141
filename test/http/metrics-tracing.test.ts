import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedSpan, startOtlpCollector } from '../helpers/otlp-collector.js';
import { startTestServer } from '../helpers/server.js';

/** OTLP's span kinds (opentelemetry-proto trace.proto). */
const SERVER = 2;
const CLIENT = 3;

/**
 * Issue 16, tracing: with an OTLP endpoint configured, a request becomes a SERVER span, its route handler (the service
 * call) a child span, and the queries it ran CLIENT spans below it, exported over OTLP/HTTP to a collector (here a
 * stand-in that records what it receives).
 */
describe('OpenTelemetry traces over OTLP', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let received: ReceivedSpan[];
  let endpoint: string;
  beforeAll(async () => {
    collector = await startOtlpCollector();
    ({ received, endpoint } = collector);
  });
  afterAll(() => collector.close());

  it('exports a request span, its handler span and the handler\'s query spans in one trace', async () => {
    const server = await startTestServer({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint } });
    let created: { status: number };
    try {
      created = await server.api('POST', '/v2/organizations', { body: { name: 'traced-org' } });
    } finally {
      // Closing flushes the batch of spans to the collector.
      await server.close();
    }
    expect(created.status).toBe(201);
    const request = received.find((span) => span.name === 'POST /v2/organizations');
    expect(request, JSON.stringify(received.map((span) => span.name))).toBeDefined();
    expect(request!.kind).toBe(SERVER);
    const attribute = (span: ReceivedSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;
    expect(Number(attribute(request!, 'http.response.status_code')?.intValue)).toBe(201);
    expect(attribute(request!, 'http.route')?.stringValue).toBe('/v2/organizations');

    const handler = received.find((span) => span.name === 'handle POST /v2/organizations');
    expect(handler?.parentSpanId).toBe(request!.spanId);
    expect(handler?.traceId).toBe(request!.traceId);

    // Every query span of the request descends from its handler span.
    const byId = new Map(received.map((span) => [span.spanId, span]));
    const descendsFrom = (span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
      for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) if (at === ancestor) return true;
      return false;
    };
    const queries = received.filter((span) => span.kind === CLIENT && span.traceId === request!.traceId);
    expect(queries.map((span) => span.name)).toContain('insert organizations');
    for (const query of queries) expect(descendsFrom(query, handler!), query.name).toBe(true);
    expect(attribute(queries[0]!, 'db.system')?.stringValue).toBe(process.env.AX_TEST_DB === 'postgres' ? 'postgresql' : 'sqlite');
  });
});
