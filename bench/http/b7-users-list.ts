import type { BenchRow, MachineInfo } from '../lib/harness.js';
import type { SeededServer } from '../lib/seeded-server.js';
import { agreeingBodies } from './b5-get-space.js';
import { alternateRuns } from './alternate-runs.js';
import { roundsRow } from './rounds-row.js';
import { type LoadTarget, throughput } from './throughput.js';

export const PAGE_SIZE = 100;
const DEEP_PAGE = 1000;

export interface UsersListBench {
  machine: MachineInfo;
  /** A server whose account lists at least DEEP_PAGE × PAGE_SIZE users. */
  server: SeededServer;
  /** The bare route answering page 1's very bytes (a fixture, or the server's page query run with `pg`). */
  peer: LoadTarget & { text: string };
  idSuffix: string;
}

/** GET /v2/users?limit=100 page 1, as the account ADMIN (the only principal who lists the whole account). */
export function usersPageOne(server: SeededServer): LoadTarget {
  return { url: `${server.url}/v2/users?limit=${PAGE_SIZE}`, headers: { authorization: `Bearer ${server.admin.raw}` } };
}

/**
 * B7: GET /v2/users?limit=100 page 1000 (reached by walking the cursors) beside page 1 of the same route — the
 * keyset page must not cost more deep down — and B7b: page 1 beside a bare route sending the same 100 users.
 * Page 1, page 1000 and the bare route alternate in each round.
 */
export async function benchUsersList(bench: UsersListBench): Promise<BenchRow[]> {
  const pageOne = usersPageOne(bench.server);
  const pageDeep = { ...pageOne, url: await deepPageUrl(pageOne) };
  const bytes = await agreeingBodies(pageOne, bench.peer);
  const runs = await alternateRuns({
    pageOne: (s) => throughput(pageOne, s),
    pageDeep: (s) => throughput(pageDeep, s),
    bare: (s) => throughput(bench.peer, s),
  });
  const { server } = bench;
  const listed = server.world.users.filter((u) => !u.isBot).length;
  const data = `${(server.world.users.length / 1000).toFixed(0)}k users (${listed.toLocaleString('en-US')} listed: bots are not), `
    + `${server.dialect}, ADMIN key, limit=${PAGE_SIZE}, page 1 ${bytes} B`;
  return [
    roundsRow({
      id: `B7${bench.idSuffix}`, subject: `GET /v2/users page ${DEEP_PAGE} (cursor walk), ${server.dialect}`, peer: 'page 1 of the same route',
      unit: 'req/s', subjectStats: runs.pageDeep, peerStats: runs.pageOne, ratio: (deep, one) => one / deep,
      target: '≤ 1.2 (time of page 1000 ÷ page 1)', pass: (r) => r <= 1.2, machine: bench.machine, data,
    }),
    roundsRow({
      id: `B7b${bench.idSuffix}`, subject: `GET /v2/users page 1, ${server.dialect}`, peer: bench.peer.text,
      unit: 'req/s', subjectStats: runs.pageOne, peerStats: runs.bare, ratio: (s, p) => s / p,
      target: '≥ 0.5', pass: (r) => r >= 0.5, machine: bench.machine, data,
    }),
  ];
}

/** Follows next_cursor from page 1 to page DEEP_PAGE; that page must be full. */
async function deepPageUrl(pageOne: LoadTarget): Promise<string> {
  let url = pageOne.url;
  for (let page = 1; ; page++) {
    const res = await fetch(url, { headers: pageOne.headers });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    const body = (await res.json()) as { users: unknown[]; pagination: { next_cursor?: string | null } };
    if (page === DEEP_PAGE) {
      if (body.users.length !== PAGE_SIZE) throw new Error(`page ${DEEP_PAGE} has ${body.users.length} users, not ${PAGE_SIZE}`);
      return url;
    }
    if (!body.pagination.next_cursor) throw new Error(`the account lists only ${page} pages of ${PAGE_SIZE} users`);
    url = `${pageOne.url}&cursor=${encodeURIComponent(body.pagination.next_cursor)}`;
  }
}
