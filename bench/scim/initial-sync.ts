import type { BenchRow, MachineInfo } from '../lib/harness.js';
import { type PlannedRequest, sendAll } from './concurrent-requests.js';
import { groupPayload, userPayload } from './directory-payloads.js';

/** Directory agents keep a few requests in flight: Entra's provisioning service sends a handful at a time. */
const CONCURRENCY = 8;
const ROUNDS = 5;
/** Microsoft's onboarding requirement for a SCIM endpoint in the Entra gallery: 25 requests/s, sustained. */
const ENTRA_REQUESTS_PER_SECOND = 25;

export interface DirectorySize {
  users: number;
  groups: number;
  membersPerGroup: number;
}

/** The SCIM ids the sync created, in payload order (user i, group g-(k+1)). */
export interface SyncedDirectory {
  userIds: string[];
  groupIds: string[];
}

interface Round { requests: number; ms: number }
const perSecond = (r: Round) => r.requests / (r.ms / 1000);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function slices(from: number, to: number, count: number): [number, number][] {
  const size = Math.ceil((to - from) / count);
  return Array.from({ length: count }, (_, r) => [from + r * size, Math.min(to, from + (r + 1) * size)] as [number, number]).filter(([a, b]) => b > a);
}

/**
 * B13-scim-sync: a directory's initial sync through `/scim/v2` — every user by POST /Users, then every group by
 * POST /Groups with its members — `CONCURRENCY` requests in flight. The users go in rounds alternating with the
 * peer (the same bodies POSTed to a bare Fastify route doing one SQLite insert), after a warm-up of each; the
 * groups follow, in rounds too. Sustained means the slowest round, users or groups, not the average.
 */
export async function benchInitialSync(
  subjectUrl: string, peerUrl: string, token: string, size: DirectorySize, machine: MachineInfo,
): Promise<{ row: BenchRow; directory: SyncedDirectory }> {
  const authorization = `Bearer ${token}`;
  const userIds = new Array<string>(size.users);
  const posts = (url: string, from: number, to: number): PlannedRequest[] =>
    Array.from({ length: to - from }, (_, k) => ({ method: 'POST', url, body: userPayload(from + k) }));
  const subjectUsers = async (from: number, to: number): Promise<Round> => {
    const { answers, ms } = await sendAll(posts(`${subjectUrl}/scim/v2/Users`, from, to), { concurrency: CONCURRENCY, authorization, expect: 201 });
    answers.forEach((answer, k) => { userIds[from + k] = (answer as { id: string }).id; });
    return { requests: to - from, ms };
  };
  const peerUsers = async (from: number, to: number): Promise<Round> =>
    ({ requests: to - from, ms: (await sendAll(posts(`${peerUrl}/Users`, from, to), { concurrency: CONCURRENCY, expect: 201 })).ms });

  const warmup = Math.min(size.users, Math.max(CONCURRENCY * 4, Math.round(size.users * 0.05)));
  const subjectRounds: Round[] = [await subjectUsers(0, warmup)];
  await peerUsers(0, warmup);
  const measuredSubject: Round[] = [];
  const measuredPeer: Round[] = [];
  for (const [from, to] of slices(warmup, size.users, ROUNDS)) {
    measuredSubject.push(await subjectUsers(from, to));
    measuredPeer.push(await peerUsers(from, to));
  }
  subjectRounds.push(...measuredSubject);

  const groupIds = new Array<string>(size.groups);
  const groupRounds: Round[] = [];
  for (const [from, to] of slices(0, size.groups, ROUNDS)) {
    const requests = Array.from({ length: to - from }, (_, k) => {
      const first = ((from + k) * size.membersPerGroup) % size.users;
      const members = Array.from({ length: size.membersPerGroup }, (_, m) => userIds[(first + m) % size.users]!);
      return { method: 'POST', url: `${subjectUrl}/scim/v2/Groups`, body: groupPayload(from + k + 1, members) };
    });
    const { answers, ms } = await sendAll(requests, { concurrency: CONCURRENCY, authorization, expect: 201 });
    answers.forEach((answer, k) => { groupIds[from + k] = (answer as { id: string }).id; });
    groupRounds.push({ requests: to - from, ms });
  }

  const users = median(measuredSubject.map(perSecond));
  const peer = median(measuredPeer.map(perSecond));
  const all = [...subjectRounds, ...groupRounds];
  const totalMs = all.reduce((sum, r) => sum + r.ms, 0);
  const slowest = Math.min(...[...measuredSubject, ...groupRounds].map(perSecond));
  const groupsMs = groupRounds.reduce((sum, r) => sum + r.ms, 0);
  const spread = (rounds: Round[]) => {
    const rates = rounds.map(perSecond);
    return (Math.max(...rates) - Math.min(...rates)) / median(rates);
  };
  return {
    directory: { userIds, groupIds },
    row: {
      id: 'B13-scim-sync', subject: `SCIM initial sync: POST /scim/v2/Users, ${CONCURRENCY} in flight (median round)`,
      peer: 'bare Fastify POST, one SQLite insert, same bodies and concurrency',
      subject_value: users, peer_value: peer, ratio: users / peer,
      target: `≥ ${ENTRA_REQUESTS_PER_SECOND} req/s sustained (Entra onboarding)`, pass: slowest >= ENTRA_REQUESTS_PER_SECOND,
      unit: 'req/s', machine, subject_spread: spread(measuredSubject), peer_spread: spread(measuredPeer),
      data: `${size.users} users, then ${size.groups} groups of ${size.membersPerGroup} members (POST /Groups ${(size.groups / (groupsMs / 1000)).toFixed(1)} req/s); `
        + `whole sync ${(totalMs / 1000).toFixed(1)} s, ${((size.users + size.groups) / (totalMs / 1000)).toFixed(1)} req/s; slowest round ${slowest.toFixed(1)} req/s; `
        + `SQLite; mappings g-1 → the organization's Member role, g-2 → a custom role on a space; ${ROUNDS} rounds alternating with the peer after a warm-up of ${warmup} users each`,
    },
  };
}
