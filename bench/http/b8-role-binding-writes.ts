import { AccessSnapshot, canGrant, check } from '../../src/access/index.js';
import type { BenchRow, MachineInfo } from '../lib/harness.js';
import type { SeededServer } from '../lib/seeded-server.js';
import { bindingBody, BindingTargets } from './binding-targets.js';
import { alternateRuns, type TimedRun } from './alternate-runs.js';
import { RawSqliteBindingInsert } from './raw-sqlite-binding-insert.js';
import { roundsRow } from './rounds-row.js';
import { type LoadTarget, throughput } from './throughput.js';

const READ_ONLY_ROLE_ID = 3; // seedWorld's predefined READ_ONLY

export interface RoleBindingWritesBench {
  machine: MachineInfo;
  server: SeededServer;
  /** Undefined: the in-process better-sqlite3 peer on the server's file; else the bare route POST /pg/role-bindings. */
  peerUrl: string | undefined;
  idSuffix: string;
}

/**
 * B8: POST /v2/role-bindings (one transaction: the binding and its audit row, plus the server's access-version
 * check, user and role reads and change announcement) by an account MEMBER who is ADMIN of an organization, granting
 * READ_ONLY on that organization's spaces to users of the organization; beside the same two rows inserted raw in one
 * transaction. Every request binds a new (user, space) pair; the peer's pairs are on other spaces.
 */
export async function benchRoleBindingWrites(bench: RoleBindingWritesBench): Promise<BenchRow> {
  const { server } = bench;
  const { world } = server;
  const actor = server.organizationAdmin;
  const inOrganization = new Set(world.spaces.filter((sp) => sp.organizationId === actor.organizationId).map((sp) => sp.id));
  const peerTargets = new BindingTargets(world, world.spaces.filter((sp) => !inOrganization.has(sp.id)).map((sp) => sp.id), world.users.map((u) => u.id));
  const subjectTarget = roleBindingWrites(server);
  const subject: TimedRun = (seconds) => throughput(subjectTarget, seconds);
  let peer: TimedRun;
  let peerText: string;
  let raw: RawSqliteBindingInsert | undefined;
  if (bench.peerUrl === undefined) {
    raw = new RawSqliteBindingInsert(server.sqliteFile!, READ_ONLY_ROLE_ID, actor.userId, peerTargets);
    peer = async (seconds) => raw!.rate(seconds);
    peerText = 'the same 2 rows (binding + audit) in one better-sqlite3 transaction, in-process, same file and pragmas (WAL, synchronous NORMAL)';
  } else {
    const url = bench.peerUrl;
    peer = (seconds) => throughput({ url, body: nextBody(peerTargets) }, seconds);
    peerText = 'bare Fastify route inserting the same 2 rows (binding + audit) in one `pg` transaction, same pool size (10)';
  }
  try {
    const runs = await alternateRuns({ subject, peer });
    return roundsRow({
      id: `B8${bench.idSuffix}`, subject: `POST /v2/role-bindings on ${server.dialect} (binding + audit row, one transaction), organization ADMIN's USER key`,
      peer: peerText, unit: 'ops/s', subjectStats: runs.subject, peerStats: runs.peer, ratio: (s, p) => s / p,
      target: '≥ 0.25', pass: (r) => r >= 0.25, machine: bench.machine,
      data: `seed world ${world.users.length / 1000}k users, ${world.roleBindings.length / 1000}k bindings, ${server.dialect}; `
        + `each write a new (user, space) pair, role READ_ONLY; ${bench.peerUrl === undefined
          ? 'subject over HTTP (autocannon -c 64 -p 1), peer in-process' : 'both over HTTP (autocannon -c 64 -p 1)'}`,
    });
  } finally {
    raw?.close();
  }
}

/**
 * The subject's load: POST /v2/role-bindings by the organization ADMIN, each request a new (user, space) pair of
 * READ_ONLY on a space of its organization it may grant on, for a user of the organization.
 */
export function roleBindingWrites(server: SeededServer): LoadTarget {
  const { world } = server;
  const actor = server.organizationAdmin;
  const snapshot = AccessSnapshot.build(world);
  const readOnly = world.roles.find((r) => r.id === READ_ONLY_ROLE_ID)!.permissions;
  const inOrganization = world.spaces.filter((sp) => sp.organizationId === actor.organizationId).map((sp) => sp.id);
  const grantable = inOrganization.filter((id) => check(snapshot, actor.userId, 'ROLE_BINDING_CREATE', { type: 'SPACE', id })
    && canGrant(snapshot, actor.userId, readOnly, { type: 'SPACE', id }).ok);
  const colleagues = world.organizationMemberships.filter((m) => m.organizationId === actor.organizationId).map((m) => m.userId);
  return { url: `${server.url}/v2/role-bindings`, headers: { authorization: `Bearer ${actor.raw}` }, body: nextBody(new BindingTargets(world, grantable, colleagues)) };
}

function nextBody(targets: BindingTargets): () => string {
  return () => {
    const { userId, spaceId } = targets.next();
    return bindingBody(userId, READ_ONLY_ROLE_ID, spaceId);
  };
}
