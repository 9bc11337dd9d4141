import { isoNow } from '../../domain/clock.js';
import { ApiError, conflict, notFound, unprocessable } from '../../domain/errors.js';
import { decodeId, encodeId } from '../../domain/ids.js';
import type { AccessReviewGrantRow, ReviewDecision } from '../../store/repositories/access-reviews.js';
import type { AccountRoleKey } from '../../store/schema.js';
import { setAccountRole } from '../account-role.js';
import { type Actor, runMutation, type Trx } from '../mutation.js';
import { removeOrganizationMember } from '../organizations.js';
import type { RemovalCascade } from '../removal-cascade.js';
import { deleteRoleBinding } from '../role-bindings.js';
import type { ServiceDeps } from '../service-deps.js';
import { removeSpaceMember } from '../spaces.js';
import { getAccessReview, reviewsOf } from './reviews.js';

export type DecisionOutcome = 'kept' | 'revoked' | 'already_gone';

/** The rows a revocation removed (an organization membership takes the person's spaces and bindings there with it). */
export interface RemovedRows { organization_memberships: number; space_memberships: number; role_bindings: number }

export interface DecisionResult {
  grant: AccessReviewGrantRow;
  outcome: DecisionOutcome;
  removed?: RemovedRows | undefined;
  account_role?: AccountRoleKey | undefined;
  warning?: string | undefined;
}

const LOWER_ROLE: Record<AccountRoleKey, AccountRoleKey | undefined> = { ADMIN: 'MEMBER', MEMBER: 'ANNOTATOR', ANNOTATOR: undefined };
const RANK: Record<string, number> = { ANNOTATOR: 0, MEMBER: 1, ADMIN: 2 };

const closed = () => conflict('this access review is closed: its decisions are final', 'access review closed');

function removedBy(cascade: RemovalCascade | undefined): RemovedRows | undefined {
  return cascade && { organization_memberships: cascade.organizationMemberships, space_memberships: cascade.spaceMemberships, role_bindings: cascade.roleBindings };
}

/**
 * Takes the grant away through the service an admin would use (so the same checks, cascades, cache drops and audit
 * row apply), with `actor.within` recording the decision in that service's transaction. A grant that no longer
 * exists is a NOT_FOUND from the service: the caller records it as already gone.
 */
async function revokeThrough(ctx: ServiceDeps, actor: Actor, g: AccessReviewGrantRow): Promise<Pick<DecisionResult, 'removed' | 'account_role'>> {
  const userId = encodeId('User', Number(g.user_id));
  switch (g.source) {
    case 'ROLE_BINDING':
      await deleteRoleBinding(ctx, actor, encodeId('RoleBinding', Number(g.binding_id)));
      return { removed: { organization_memberships: 0, space_memberships: 0, role_bindings: 1 } };
    case 'SPACE_MEMBERSHIP':
      return { removed: removedBy(await removeSpaceMember(ctx, actor, encodeId('Space', Number(g.resource_id)), userId)) };
    case 'ORGANIZATION_MEMBERSHIP':
      return { removed: removedBy(await removeOrganizationMember(ctx, actor, encodeId('Organization', Number(g.resource_id)), userId)) };
    case 'ACCOUNT_ROLE': {
      const frozen = g.role_name as AccountRoleKey;
      const lower = LOWER_ROLE[frozen];
      if (lower === undefined) throw unprocessable('grant_id: the ANNOTATOR account role grants nothing beyond memberships; revoke those, or deactivate the user');
      const current = await reviewsOf(ctx.store.db, actor.principal.accountId).accountRole(Number(g.user_id));
      if (current === undefined || RANK[current]! < RANK[frozen]!) throw notFound('account role');
      if (RANK[current]! > RANK[frozen]!) throw conflict(`grant_id: the user's account role is ${current} now, above the reviewed ${frozen}; take a new review`, 'grant changed since the review');
      return { account_role: (await setAccountRole(ctx, actor, userId, lower)).role as AccountRoleKey };
    }
  }
}

/**
 * Records a reviewer's decision on a frozen grant (account admins; the review must be open, else 409). `keep`
 * records it. `revoke` takes the grant away at once through the normal service, in the same transaction as the
 * decision, with an audit row whose variables name the review (`access_review_id`); a grant that is gone already is
 * recorded as such. A grant an SSO or SCIM sync wrote is revoked too, with a warning that the next sync may give it
 * back. A revoked grant cannot be kept afterwards (409); revoking it again answers what was done.
 */
export async function decideReviewGrant(
  ctx: ServiceDeps, actor: Actor, reviewId: string, grantId: string, input: { decision: ReviewDecision; note?: string | undefined },
): Promise<DecisionResult> {
  const { principal } = actor;
  const review = await getAccessReview(ctx, principal, reviewId);
  if (review.status !== 'open') throw closed();
  const reviews = reviewsOf(ctx.store.db, principal.accountId);
  const id = decodeId('AccessReviewGrant', grantId, 'grant_id');
  const grant = await reviews.findGrant(review.id, id);
  if (!grant) throw notFound('access review grant');
  if (grant.decision === 'revoke') {
    if (input.decision === 'keep') throw conflict('grant_id: this grant was revoked already; grant it again through the normal API if it is needed', 'grant revoked');
    return { grant, outcome: grant.outcome as DecisionOutcome };
  }
  const audited: Actor = {
    ...actor,
    variables: JSON.stringify({ access_review_id: reviewId, grant_id: grantId, decision: input.decision }),
    text: JSON.stringify({ decision: input.decision, ...(input.note === undefined ? {} : { note: input.note }) }),
  };
  const record = (outcome: DecisionOutcome) => async (trx: Trx) => {
    const ok = await reviewsOf(trx, principal.accountId).decide(review.id, id, {
      decision: input.decision, by: principal.userId, at: isoNow(ctx.clock), note: input.note ?? null, outcome,
    });
    if (!ok) throw closed();
  };
  const answer = async (outcome: DecisionOutcome, extra: Partial<DecisionResult> = {}): Promise<DecisionResult> =>
    ({ grant: (await reviews.findGrant(review.id, id))!, outcome, ...extra });

  if (input.decision === 'keep') {
    await runMutation(ctx, audited, record('kept'));
    return answer('kept');
  }
  const warning = grant.provenance === 'MANUAL' ? undefined
    : `this grant was written by an identity provider's ${grant.provenance} sync: the user's next ${grant.provenance === 'SSO' ? 'sign-in' : 'directory sync'} may give it back unless its role mappings (or the directory's groups) change too`;
  try {
    const done = await revokeThrough(ctx, { ...audited, within: record('revoked') }, grant);
    return answer('revoked', { ...done, warning });
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'NOT_FOUND') throw error;
    await runMutation(ctx, audited, record('already_gone'));
    return answer('already_gone');
  }
}
