import { encodeId } from '../../src/domain/ids.js';
import type { BenchRow, MachineInfo, Stats } from '../lib/harness.js';
import type { SeededServer } from '../lib/seeded-server.js';
import { alternateRuns, type TimedRun } from './alternate-runs.js';
import { roundsRow } from './rounds-row.js';
import { type LoadTarget, throughput } from './throughput.js';

export interface GetSpaceBench {
  machine: MachineInfo;
  server: SeededServer;
  /** The bare route and what it does (a fixture of the same bytes, or the server's `pg` read). */
  peer: LoadTarget & { text: string };
  /** Adds the SERVICE-key row beside the MEMBER one. */
  withServiceKey: boolean;
  /** Adds B5-policies: the bare route with the server's policies on every answer (bare-server-config.ts `policies`). */
  policiesPeer?: LoadTarget;
  idSuffix: string;
  target: number;
}

/** B5's target on SQLite: the authenticated GET at ≥ 0.7× the bare route's rate (PostgreSQL's row: 0.6×). */
export const B5_TARGET = 0.7;

/** GET /v2/spaces/{id} as the principal with `key`: the URL and its Authorization header. */
export function spaceRequest(server: SeededServer, key: string, spaceId: number): LoadTarget {
  return { url: `${server.url}/v2/spaces/${encodeId('Space', spaceId)}`, headers: { authorization: `Bearer ${key}` } };
}

/** The seed world's MEMBER reading its own space: B5's request, and the one B6, B10 and B12 time. */
export function memberSpaceRequest(server: SeededServer): LoadTarget {
  return spaceRequest(server, server.member.raw, server.member.readableSpaceId);
}

/**
 * B5: saturation throughput of the authenticated GET /v2/spaces/{id} — key verification, the access check on the
 * seed world's snapshot, the space row (from the process's row cache after the first read: ResourceRowCache), the
 * problem+json handler loaded — with a MEMBER's USER key on the space it belongs to (and a SERVICE key's bot on its
 * space), beside the bare route, all alternating in each round. The PostgreSQL peer reads the row on every request.
 * B5-policies, printed for information, is the bare route again with what the server does to every answer whatever the
 * route (its headers, request ids and connection deadlines): the share of B5's gap that is policy, not work.
 */
export async function benchGetSpace(bench: GetSpaceBench): Promise<BenchRow[]> {
  const { server } = bench;
  const member = memberSpaceRequest(server);
  const service = spaceRequest(server, server.service.raw, server.service.spaceId);
  const bytes = await agreeingBodies(member, bench.peer);
  const serviceBytes = (await fetchBody(service)).length;
  const contenders: Record<string, TimedRun> = { member: (s) => throughput(member, s) };
  if (bench.withServiceKey) contenders.service = (s) => throughput(service, s);
  if (bench.policiesPeer) {
    await agreeingBodies(member, bench.policiesPeer);
    contenders.policies = (s) => throughput(bench.policiesPeer!, s);
  }
  contenders.bare = (s) => throughput(bench.peer, s);
  const runs = await alternateRuns(contenders);
  const world = server.world;
  const data = `seed world ${world.users.length / 1000}k users, ${world.spaces.length} spaces, ${world.projects.length / 1000}k projects `
    + `(5 % restricted), ${world.roleBindings.length / 1000}k bindings, ${server.dialect}; server log level warn; `
    + `answer ${bytes} B on both sides`;
  const row = (id: string, subject: string, stats: Stats, extra = '', target: number | null = bench.target) => roundsRow({
    id: `${id}${bench.idSuffix}`, subject, peer: bench.peer.text, unit: 'req/s', subjectStats: stats, peerStats: runs.bare!,
    ratio: (s, p) => s / p, target: target === null ? 'information' : `≥ ${target}`,
    pass: (r) => (target === null ? null : r >= target), machine: bench.machine, data: data + extra,
  });
  const rows = [row('B5', `GET /v2/spaces/{id}, MEMBER's USER key, on ${server.dialect}: key verify + check() on the seed world + space row (kept by the process after its first read)`, runs.member!)];
  if (bench.withServiceKey) {
    rows.push(row('B5-service', `GET /v2/spaces/{id}, SERVICE key (bot with a space role), on ${server.dialect}`, runs.service!,
      ` (the service key's space answer: ${serviceBytes} B)`));
  }
  if (bench.policiesPeer) {
    rows.push(row('B5-policies', 'the bare route with the server\'s policies on every answer and none of its work: answer headers '
      + '(nosniff, no-store, x-request-id), random request ids, connection deadlines', runs.policies!,
      ` (B5's subject ÷ this route: ${(runs.member!.median / runs.policies!.median).toFixed(3)})`, null));
  }
  return rows;
}

async function fetchBody(target: LoadTarget): Promise<string> {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${target.url}: ${res.status} ${body.slice(0, 200)}`);
  return body;
}

/** The agreement check: subject and peer answer the very same bytes (else the row would compare unlike work). */
export async function agreeingBodies(subject: LoadTarget, peer: LoadTarget): Promise<number> {
  const [a, b] = await Promise.all([fetchBody(subject), fetchBody(peer)]);
  if (a !== b) throw new Error(`the peer ${peer.url} answers other bytes than ${subject.url}:\n${a.slice(0, 300)}\n${b.slice(0, 300)}`);
  return Buffer.byteLength(a);
}
