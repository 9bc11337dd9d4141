import { encodeId } from '../../src/domain/ids.js';
import { type BenchRow, machineInfo, type MachineInfo, percentile } from '../lib/harness.js';
import { type SeededServer, startSeededServer } from '../lib/seeded-server.js';
import { alternateRuns } from '../http/alternate-runs.js';
import { roundsRow } from '../http/rounds-row.js';
import { CONNECTIONS } from '../http/settings.js';
import type { LoadTarget } from '../http/throughput.js';
import { type OperationRequest, runOperations } from './operation-client.js';

/** Projects per page on both sides: more than any space of the seed world holds, so one page is the whole list. */
const PAGE = 100;

/** B15's operation: a space and its projects. */
export const QUERY = `query SpaceWithProjects($id: ID!) {
  node(id: $id) { ... on Space { id name description private createdAt
    projects(first: ${PAGE}) { edges { node { id name isRestricted createdAt } } pageInfo { hasNextPage } } } }
}`;

/**
 * B15: one space and its projects as a MEMBER sees them — one `POST /graphql` (`node(id:)` on the space with its
 * `projects` connection, the API key in `x-api-key`) against the same data over REST, `GET /v2/spaces/{id}` then
 * `GET /v2/projects?space_id=…` on the same connection. Both are operations of a closed-loop client (64
 * connections, each starting its next operation when the last one finished); the rows compare operations per
 * second and the p99 of an operation's latency (µs, hrtime) from the same alternating rounds. On SQLite, and on
 * PostgreSQL when DATABASE_URL is set. Settings: bench/http/settings.ts (BENCH_HTTP_SECONDS, BENCH_HTTP_ROUNDS).
 */
export async function runGraphqlBenches(): Promise<BenchRow[]> {
  const machine = machineInfo();
  const rows = await onServer(machine, undefined, '');
  const postgresUrl = process.env.DATABASE_URL;
  if (postgresUrl) rows.push(...await onServer(machine, postgresUrl, '-pg'));
  return rows;
}

async function onServer(machine: MachineInfo, postgresUrl: string | undefined, idSuffix: string): Promise<BenchRow[]> {
  const server = await startSeededServer({ postgresUrl });
  try {
    return await benchSpaceWithProjects(machine, server, idSuffix);
  } finally {
    await server.stop();
  }
}

async function benchSpaceWithProjects(machine: MachineInfo, server: SeededServer, idSuffix: string): Promise<BenchRow[]> {
  const spaceId = encodeId('Space', server.member.readableSpaceId);
  const graphql: OperationRequest[] = [spaceWithProjectsRequest(server)];
  const rest = spaceThenProjectsRequests(server);
  const projectCount = await agree(graphql, rest, spaceId);

  const p99 = { graphql: [] as number[], rest: [] as number[] };
  const run = (side: 'graphql' | 'rest', operation: OperationRequest[]) => async (seconds: number) => {
    const result = await runOperations(operation, seconds, CONNECTIONS);
    p99[side].push(percentile(result.latenciesMicros, 99));
    return result.operationsPerSecond;
  };
  const runs = await alternateRuns({ graphql: run('graphql', graphql), rest: run('rest', rest) });
  // Each side's first run was its warm-up; the p99 rows use the measured rounds only.
  const p99Stats = (values: number[]) => statsOf(values.slice(1));
  const world = server.world;
  const data = `seed world ${world.users.length / 1000}k users, ${world.spaces.length} spaces, ${world.projects.length / 1000}k projects, `
    + `${server.dialect}; MEMBER's USER key; the space has ${projectCount} projects, both sides answer the same space and project ids `
    + `(checked before the runs); closed loop, an operation = 1 POST /graphql or 2 sequential GETs`;
  const subject = `POST /graphql: node(id:) { ... on Space { projects(first: ${PAGE}) } }, MEMBER key in x-api-key, ${server.dialect}`;
  const peer = `REST, two requests: GET /v2/spaces/{id} then GET /v2/projects?space_id={id}&limit=${PAGE}`;
  return [
    roundsRow({
      id: `B15 graphql space+projects${idSuffix}`, subject: `${subject}: operations/s`, peer: `${peer}: operations/s`, unit: 'ops/s',
      subjectStats: runs.graphql, peerStats: runs.rest, ratio: (s, p) => s / p, target: '≥ 1× REST\'s two requests', pass: (r) => r >= 1,
      machine, data,
    }),
    roundsRow({
      id: `B15 graphql space+projects p99${idSuffix}`, subject: `${subject}: p99 per operation`, peer: `${peer}: p99 per operation (both requests)`,
      unit: 'µs', subjectStats: p99Stats(p99.graphql), peerStats: p99Stats(p99.rest), ratio: (s, p) => s / p,
      target: '≤ 1× REST\'s two requests', pass: (r) => r <= 1, machine, data,
    }),
  ];
}

/** B15's POST /graphql as the MEMBER, on its own space. */
export function spaceWithProjectsRequest(server: SeededServer): OperationRequest & { body: string } {
  return {
    url: `${server.url}/graphql`, headers: { 'x-api-key': server.member.raw },
    body: JSON.stringify({ query: QUERY, variables: { id: encodeId('Space', server.member.readableSpaceId) } }),
  };
}

/** B15's POST /graphql as a load target of the HTTP tools (a fresh copy of the same body for each request). */
export function spaceWithProjectsTarget(server: SeededServer): LoadTarget {
  const { url, headers, body } = spaceWithProjectsRequest(server);
  return { url, headers, body: () => body };
}

/** A GET: a request without a body (an OperationRequest, and a LoadTarget of the HTTP rows). */
type GetRequest = Pick<OperationRequest, 'url' | 'headers'>;

/** B15's REST side as the MEMBER, on its own space: `GET /v2/spaces/{id}`, then one page of its projects. */
export function spaceThenProjectsRequests(server: SeededServer): [GetRequest, GetRequest] {
  const spaceId = encodeId('Space', server.member.readableSpaceId);
  const headers = { authorization: `Bearer ${server.member.raw}` };
  return [
    { url: `${server.url}/v2/spaces/${spaceId}`, headers },
    { url: `${server.url}/v2/projects?space_id=${spaceId}&limit=${PAGE}`, headers },
  ];
}

function statsOf(runs: number[]) {
  const median = percentile(runs, 50);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median, runs };
}

interface GraphqlAnswer {
  data?: { node: { id: string; projects: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } } | null };
  errors?: unknown[];
}

/** The agreement check: both sides answer the same space and the same project ids, in full (one page each). */
async function agree(graphql: OperationRequest[], rest: OperationRequest[], spaceId: string): Promise<number> {
  const [g] = graphql;
  const answer = await json<GraphqlAnswer>(await fetch(g!.url, { method: 'POST', headers: { ...g!.headers, 'content-type': 'application/json' }, body: g!.body! }));
  const node = answer.data?.node;
  if (answer.errors || !node || node.projects.pageInfo.hasNextPage) throw new Error(`/graphql answered ${JSON.stringify(answer).slice(0, 300)}`);
  const space = await json<{ id: string }>(await fetch(rest[0]!.url, { headers: rest[0]!.headers }));
  const projects = await json<{ projects: { id: string }[]; pagination: { has_more: boolean } }>(
    await fetch(rest[1]!.url, { headers: rest[1]!.headers }));
  const viaGraphql = node.projects.edges.map((e) => e.node.id);
  const viaRest = projects.projects.map((p) => p.id);
  if (node.id !== spaceId || space.id !== spaceId || JSON.stringify(viaGraphql) !== JSON.stringify(viaRest) || projects.pagination.has_more) {
    throw new Error(`GraphQL and REST disagree on space ${spaceId}: ${JSON.stringify({ graphql: [node.id, viaGraphql], rest: [space.id, viaRest] })}`);
  }
  return viaRest.length;
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
