import { createServer } from 'node:http';

/** A span as OTLP/HTTP JSON carries it (opentelemetry-proto trace.proto), with the fields the tests read. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

/** A stand-in OTLP/HTTP collector on loopback: `endpoint` for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, `received` the spans so far. */
export async function startOtlpCollector(): Promise<{ endpoint: string; received: ReceivedSpan[]; close: () => Promise<void> }> {
  const received: ReceivedSpan[] = [];
  const collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ReceivedSpan[] }[] }[] };
      for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const address = collector.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/traces`;
  return { endpoint, received, close: () => new Promise<void>((resolve) => collector.close(() => resolve())) };
}
