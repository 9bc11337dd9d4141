import { AccessSnapshot, check } from '../../src/access/index.js';
import { parseScimId } from '../../src/domain/scim-ids.js';
import type { AppContext } from '../../src/server/context.js';
import { loadAccessState } from '../../src/services/access-loader.js';
import { alternate, percentile, timeMs, type BenchRow, type MachineInfo } from '../lib/harness.js';
import { addMemberPayload } from './directory-payloads.js';
import type { ProvisionedAccount } from './directory-setup.js';

const TRIALS = 20;
/** The bootstrap account, the one the token's provider belongs to. */
const ACCOUNT = 1;

/**
 * B13-scim-patch: one membership change — PATCH /Groups/{g-2} adding a member, whose mapping gives the custom role
 * on the space, so the sync writes a role binding — against a rebuild of the access snapshot from the same database,
 * alternating. Runs on an in-process server, the only place the cached snapshot can be looked at: the change counts
 * as patched when `access.get()` answers the very snapshot object it answered before the PATCH (a rebuild is a new
 * one) and that snapshot already grants the new member the role's permission.
 */
export async function benchMembershipPatch(
  url: string, ctx: AppContext, account: ProvisionedAccount, group: string, newMembers: readonly string[], machine: MachineInfo,
): Promise<BenchRow> {
  if (newMembers.length < TRIALS + 1) throw new Error(`B13-scim-patch needs ${TRIALS + 1} users outside g-1 and g-2`);
  const space = { type: 'SPACE' as const, id: account.spaceId };
  let trial = 0;
  let patched = 0;
  let granted = 0;
  const patch = async () => {
    const counted = trial > 0;
    const member = newMembers[trial++]!;
    const userId = parseScimId('User', member)!;
    const before = await ctx.access.get(ACCOUNT);
    // The cache records a loaded snapshot as patchable once its load settles: let that callback run first.
    await new Promise((r) => setImmediate(r));
    const heldBefore = check(before, userId, account.permission, space);
    const ms = await timeMs(async () => {
      const res = await fetch(`${url}/scim/v2/Groups/${encodeURIComponent(group)}`, {
        method: 'PATCH', headers: { authorization: `Bearer ${account.token}`, 'content-type': 'application/scim+json' }, body: addMemberPayload(member),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`PATCH /Groups answered ${res.status}: ${text.slice(0, 300)}`);
    });
    const after = await ctx.access.get(ACCOUNT);
    if (counted && after === before) patched++;
    if (counted && !heldBefore && check(after, userId, account.permission, space)) granted++;
    return ms;
  };
  const rebuild = () => timeMs(async () => AccessSnapshot.build((await loadAccessState(ctx.store.db, ACCOUNT)).world));
  const r = await alternate({ patch, rebuild }, TRIALS, 1);
  const everyTime = patched === TRIALS && granted === TRIALS;
  return {
    id: 'B13-scim-patch', subject: 'SCIM PATCH /Groups/{id}: add 1 member → custom space role binding, median',
    peer: 'access snapshot rebuilt from the database, same data', subject_value: r.patch.median, peer_value: r.rebuild.median,
    ratio: r.patch.median / r.rebuild.median, target: 'applied to the snapshot in place, no rebuild', pass: everyTime, unit: 'ms', machine,
    subject_spread: r.patch.spread, peer_spread: r.rebuild.spread,
    data: `snapshot patched in place ${patched}/${TRIALS} (the same object before and after the PATCH), the new member granted ${account.permission} by it ${granted}/${TRIALS}; `
      + `PATCH p99 ${percentile(r.patch.runs, 99).toFixed(2)} ms over HTTP to an in-process server (SQLite), the directory of B13-scim-sync`,
  };
}
