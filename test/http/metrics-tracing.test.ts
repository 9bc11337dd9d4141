import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedSpan, startOtlpCollector } from '../helpers/otlp-collector.js';
import { startTestServer } from '../helpers/server.js';

/** OTLP's span kinds (opentelemetry-proto trace.proto). */
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
/** OTLP's status codes: unset, ok, error. */
const STATUS_ERROR = 2;

const attribute = (span: ReceivedSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

/**
 * Issue 16, tracing: with an OTLP endpoint configured, a request becomes a SERVER span, each service call its route
 * makes a child span named after the service function, and the queries that service ran CLIENT spans below it,
 * exported over OTLP/HTTP to a collector (here a stand-in that records what it receives).
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

  /** Runs `requests` against a server exporting to the collector; closing it flushes the batch of spans. */
  type Server = Awaited<ReturnType<typeof startTestServer>>;
  async function traced(requests: (api: Server['api'], server: Server) => Promise<number[]>): Promise<number[]> {
    received.length = 0;
    const server = await startTestServer({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint } });
    try {
      return await requests(server.api, server);
    } finally {
      await server.close();
    }
  }
  const named = (name: string): ReceivedSpan => {
    const found = received.find((span) => span.name === name);
    expect(found, `${name} among ${JSON.stringify(received.map((span) => span.name))}`).toBeDefined();
    return found!;
  };
  const queriesOf = (parent: ReceivedSpan) => received.filter((span) => span.kind === CLIENT && span.parentSpanId === parent.spanId);

  it('exports request -> service -> query spans in one trace', async () => {
    const statuses = await traced(async (api) => [(await api('POST', '/v2/organizations', { body: { name: 'traced-org' } })).status]);
    expect(statuses).toEqual([201]);
    const request = named('POST /v2/organizations');
    expect(request.kind).toBe(SERVER);
    expect(Number(attribute(request, 'http.response.status_code')?.intValue)).toBe(201);
    expect(attribute(request, 'http.route')?.stringValue).toBe('/v2/organizations');

    const service = named('service organizations.createOrganization');
    expect(service).toMatchObject({ kind: INTERNAL, traceId: request.traceId, parentSpanId: request.spanId });
    expect(attribute(service, 'code.function.name')?.stringValue).toBe('organizations.createOrganization');

    // Every query of the request ran inside the service call, and is its direct child.
    const queries = received.filter((span) => span.kind === CLIENT && span.traceId === request.traceId);
    expect(queries.map((span) => span.name)).toContain('insert organizations');
    for (const query of queries) expect(query.parentSpanId, query.name).toBe(service.spanId);
    expect(attribute(queries[0]!, 'db.system')?.stringValue).toBe(process.env.AX_TEST_DB === 'postgres' ? 'postgresql' : 'sqlite');
  });

  it('gives each service call of a route its own span, and marks only unexpected failures as errors', async () => {
    const statuses = await traced(async (api) => [
      (await api('GET', '/v2/users')).status,
      // Another page: on SQLite the same page again is answered from the users page cache, running no query.
      (await api('GET', '/v2/users?limit=10')).status,
      (await api('POST', '/v2/organizations', { body: { name: 'dup-org' } })).status,
      (await api('POST', '/v2/organizations', { body: { name: 'dup-org' } })).status,
    ]);
    expect(statuses).toEqual([200, 200, 201, 409]);
    // GET /v2/users calls two services: the page of users, then their SCIM providers; siblings under the request.
    const request = named('GET /v2/users');
    const list = named('service users.listUsers');
    const providers = named('service deprovisioning.scimProvidersOf');
    expect(list.parentSpanId).toBe(request.spanId);
    expect(providers.parentSpanId).toBe(request.spanId);
    // Every run of a query has its span, also of one compiled once and run again (store/prepared-query.ts).
    const lists = received.filter((span) => span.name === 'service users.listUsers');
    expect(lists).toHaveLength(2);
    for (const each of lists) expect(queriesOf(each).map((span) => span.name)).toContain('select users');

    // A refusal the API answers (409) is recorded on the service span, but is not an error status.
    const calls = received.filter((span) => span.name === 'service organizations.createOrganization');
    expect(calls).toHaveLength(2);
    const refused = calls.find((span) => (span as { events?: { name: string }[] }).events?.some((event) => event.name === 'exception'));
    expect(refused, JSON.stringify(calls)).toBeDefined();
    expect((refused as { status?: { code?: number } }).status?.code).not.toBe(STATUS_ERROR);
  });

  it('gives each service call a GraphQL resolver makes its own span, with its queries below it', async () => {
    const query = '{ viewer { user { email } spaces(first: 5) { edges { node { name } } } } }';
    const statuses = await traced(async (_api, server) => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.adminKey }, body: JSON.stringify({ query }),
      });
      const body = await res.json() as { errors?: unknown };
      expect(body.errors).toBeUndefined();
      return [res.status];
    });
    expect(statuses).toEqual([200]);
    const request = named('POST /graphql');
    expect(request.kind).toBe(SERVER);
    // Each resolver's service call is a child of the request span, and the queries it ran are its children.
    for (const name of ['service users.getUser', 'service spaces.listSpaces']) {
      const service = named(name);
      expect(service, name).toMatchObject({ kind: INTERNAL, traceId: request.traceId, parentSpanId: request.spanId });
      expect(queriesOf(service).length, name).toBeGreaterThan(0);
    }
    expect(queriesOf(named('service users.getUser')).map((span) => span.name)).toContain('select users');
    // The API key is checked in the handler (GraphQL authenticates there, not in a hook): a service span too.
    expect(named('service authentication.authenticateKey').parentSpanId).toBe(request.spanId);

    // No query of the request ran outside a service call.
    const services = new Set(received.filter((span) => span.name.startsWith('service ')).map((span) => span.spanId));
    const queries = received.filter((span) => span.kind === CLIENT && span.traceId === request.traceId);
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) expect(services.has(query.parentSpanId!), query.name).toBe(true);
  });
});
