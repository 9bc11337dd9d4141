import { encodeId } from '../domain/ids.js';
import { unprocessable } from '../domain/errors.js';
import { isoNow } from '../domain/clock.js';
import { forAccount } from '../store/account-store.js';
import { type ExpiredGrant, ExpiringGrants } from '../store/repositories/expiring-grants.js';
import { type Actor, runMutation } from './mutation.js';
import { startPeriodicTask } from './periodic-task.js';
import type { ServiceDeps } from './service-deps.js';

/** The optional end of a grant in a request (role binding create, membership add). */
export interface GrantExpiryInput {
  expires_at?: string | undefined;
  reason?: string | undefined;
}

/**
 * Checks a request's expiry: an RFC 3339 instant in the future (422 otherwise), stored as the ISO form every `*_at`
 * column holds. Without `expires_at` the grant is permanent; a `reason` is kept either way.
 */
export function grantExpiry(ctx: ServiceDeps, input: GrantExpiryInput): { expiresAt: string | null; reason: string | null } {
  const reason = input.reason ?? null;
  if (input.expires_at === undefined) return { expiresAt: null, reason };
  const at = Date.parse(input.expires_at);
  if (!(at > ctx.clock.now())) throw unprocessable('expires_at: must be in the future');
  return { expiresAt: new Date(at).toISOString(), reason };
}

/** How often each process looks for expired grants (they stop counting at their instant regardless; see AccessCache). */
const SWEEP_INTERVAL_MS = 30_000;
/** Expired grants removed per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/** A grant that was renewed or removed since it was read: nothing to remove, nothing to audit. */
class AlreadyGone extends Error {}

const ID_TYPE = { ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project' } as const;

/**
 * Removes every grant whose `expires_at` has passed, each in its own transaction with an audit row
 * (`GRANT_EXPIRED`, by the system: user 0, as a directory's changes are) and announced on the change feed like any
 * removal. Two processes sweeping at once remove each grant once. Answers how many grants it removed.
 */
export async function sweepExpiredGrants(ctx: ServiceDeps): Promise<number> {
  const grants = await new ExpiringGrants(ctx.store.db).expired(isoNow(ctx.clock), SWEEP_BATCH);
  let removed = 0;
  for (const grant of grants) {
    try {
      await runMutation(ctx, systemActor(grant), async (trx, changes) => {
        if (!await new ExpiringGrants(trx).remove(grant)) throw new AlreadyGone();
        // An organization membership takes the user's spaces of it along, as its removal does.
        if (grant.kind === 'ORGANIZATION_MEMBERSHIP') await forAccount(trx, grant.accountId).memberships.afterOrganizationMembership(grant.userId, grant.resourceId);
        changes.user(grant.userId);
      });
      removed++;
    } catch (error) {
      if (!(error instanceof AlreadyGone)) throw error;
    }
  }
  return removed;
}

function systemActor(grant: ExpiredGrant): Actor {
  return {
    principal: { accountId: grant.accountId, userId: 0, name: 'grant expiry', email: '', role: 'ADMIN', isBot: true },
    ip: '0.0.0.0',
    operation: 'GRANT_EXPIRED',
    text: JSON.stringify({
      kind: grant.kind, user_id: encodeId('User', grant.userId), role_id: encodeId('Role', grant.roleId),
      resource_type: grant.resourceType, resource_id: encodeId(ID_TYPE[grant.resourceType], grant.resourceId),
      expires_at: grant.expiresAt, ...(grant.reason === null ? {} : { reason: grant.reason }),
    }),
  };
}

/** Sweeps expired grants every 30 s in this process; answers the function that stops it. */
export function startGrantExpirySweeper(ctx: ServiceDeps): () => void {
  return startPeriodicTask(ctx, SWEEP_INTERVAL_MS, () => sweepExpiredGrants(ctx), 'sweeping expired grants failed');
}
