import { isoNow } from '../../domain/clock.js';
import { ApiError } from '../../domain/errors.js';
import { encodeId, encodeProviderId } from '../../domain/ids.js';
import { evaluateMappings } from '../../role-mapping/index.js';
import { forAccount } from '../../store/account-store.js';
import { type AccessChange, type Change, personEdit } from '../../store/change-feed.js';
import { isUniqueViolation } from '../../store/constraint-errors.js';
import type { IdentityProviderRow, UserRow } from '../../store/schema.js';
import { loadMappingInput } from '../identity-providers/mapping-input.js';
import type { Trx } from '../mutation.js';
import type { ServiceDeps } from '../service-deps.js';
import { openSession, type OpenedSession, type RequestOrigin } from '../sessions.js';
import { syncGrants } from './grant-sync.js';
import { emailDomain } from './identity-links.js';

/** What a protocol flow verified about the person (a SAML assertion's signed content, an OIDC ID token's claims). */
export interface VerifiedIdentity {
  protocol: 'SAML' | 'OIDC';
  idpId: number;
  accountId: number;
  /** SAML: the NameID (an email); OIDC: `sub`. */
  subject: string;
  email: string;
  name?: string | undefined;
  /** SAML attributes or OIDC claims (with `groups`): the role-mapping engine's input. */
  attributes: Record<string, string[]>;
  issuer: string;
  /** SAML assertion ID or the ID token's `jti`, for the audit row. */
  assertionId?: string | undefined;
  /**
   * Entra ID's group overage (over 200 groups: OIDC `hasgroups` / `_claim_names.groups`, SAML a `groups.link`
   * claim): no groups were read, and the login's audit row says so (identity.md §3.2, §4.1).
   */
  groupOverage?: boolean | undefined;
}

/** The audit warning of a group overage: what to map instead (the Graph API is never called). */
const GROUP_OVERAGE_WARNING = 'group overage: the identity provider sent no groups because the user has more than 200; '
  + 'map app roles or "groups assigned to the application", or provision groups with SCIM';

export type LoginOutcome = 'JIT' | 'LINKED' | 'EXISTING';

export interface CompletedLogin {
  session: OpenedSession;
  userId: number;
  outcome: LoginOutcome;
}

/**
 * What the login transaction decided; a refused login commits its sync but opens no session. `access`: its edits to
 * the access snapshot, at `accessVersion`, the version the transaction raised the account to.
 */
type Decided = {
  userId: number; outcome: LoginOutcome; session: OpenedSession | undefined; access: AccessChange[]; accessVersion: number;
};

/** The subject SCIM gives an OIDC user it provisions (services/scim/users.ts) until the first sign-in. */
const SCIM_PLACEHOLDER = 'scim:';

const AUDIT_OUTCOME: Record<LoginOutcome, string> = { JIT: 'JIT', LINKED: 'LINK', EXISTING: 'EXISTING' };

/**
 * Signs in the person an identity provider vouched for (identity.md §2.4, §4.4), in one transaction: finds the user
 * by the link `(idp, subject)`, else links the account's user with that email (only on a validated domain, or when the
 * provider's SCIM provisioned the user: a provider must not take over a user it did not create; an INVITED or EXPIRED
 * user becomes ACTIVE), else provisions one just in
 * time (ACTIVE, no password). The provider's role mappings are applied on the first login through it and synced on
 * later ones when `sync_user_roles` is on; the name follows the provider. Then the console session opens.
 *
 * Refusals: the provider gone or disabled (SSO_UNKNOWN_PROVIDER), an email outside its domains
 * (SSO_EMAIL_DOMAIN_MISMATCH), an existing user on an unvalidated domain (SSO_LINK_REQUIRES_VALIDATED_DOMAIN), a new
 * user nothing maps (SSO_NO_MATCHING_ROLE: nothing is created), a deactivated user (SSO_USER_INACTIVE: nothing
 * changes). A later login whose sync leaves the user no grant at
 * all commits that sync (stale grants must go) and is then refused with SSO_NO_MATCHING_ROLE.
 */
export async function completeSsoLogin(ctx: ServiceDeps, identity: VerifiedIdentity, origin: RequestOrigin): Promise<CompletedLogin> {
  const run = () => ctx.store.db.transaction().execute(async (trx) => {
    const outcome = await decide(trx, ctx, identity, origin);
    // Announced from inside the transaction (a sync may take rights away): the other processes hear it at commit.
    await ctx.changes.announceWithin(trx, changeOf(identity.accountId, outcome));
    return outcome;
  });
  let decided: Decided;
  try {
    decided = await run();
  } catch (error) {
    // Two logins of a new person at once: the loser's user or link collided with the winner's; this time it links.
    if (!isUniqueViolation(error)) throw error;
    decided = await run();
  }
  ctx.changes.deliverHere(changeOf(identity.accountId, decided));
  if (decided.session === undefined) {
    throw new ApiError('SSO_NO_MATCHING_ROLE', 'no role mapping gives this user any access any more; the grants it gave earlier were removed');
  }
  return { session: decided.session, userId: decided.userId, outcome: decided.outcome };
}

/** The login's change: its user, and the snapshot edits it made (every process patches with them, or rebuilds). */
function changeOf(accountId: number, decided: Decided): Change {
  return { accountId, userIds: [decided.userId], access: decided.access, accessVersion: decided.accessVersion };
}

async function decide(trx: Trx, ctx: ServiceDeps, identity: VerifiedIdentity, origin: RequestOrigin): Promise<Decided> {
  const store = forAccount(trx, identity.accountId);
  // First statement, as every rights change does: the account's access version moves, so every process drops what
  // a sync takes away (and concurrent changes of the account queue behind this one).
  const accessVersion = await store.accessVersion.bump();
  const now = isoNow(ctx.clock);
  const idp = await store.identityLinks.liveProvider(identity.idpId);
  if (!idp || idp.enabled !== 1 || idp.protocol !== identity.protocol) {
    throw new ApiError('SSO_UNKNOWN_PROVIDER', 'the identity provider was deleted or disabled while the sign-in ran');
  }
  const email = identity.email.trim().toLowerCase();
  const domain = emailDomain(email);
  const domainRow = email.includes('@') ? await store.identityLinks.domainOf(idp.id, domain) : undefined;
  if (!domainRow) throw new ApiError('SSO_EMAIL_DOMAIN_MISMATCH', `${JSON.stringify(domain)} is not one of the identity provider's email domains`);
  const subject = identity.protocol === 'SAML' ? identity.subject.trim().toLowerCase() : identity.subject;
  const { rules, context } = await loadMappingInput(store, idp);
  const desired = evaluateMappings(rules, identity.attributes, context);

  let user: UserRow | undefined;
  let outcome: LoginOutcome = 'EXISTING';
  // What the snapshot must hear: a user created or made ACTIVE, then what the sync moved.
  const access: AccessChange[] = [];
  const link = await store.identityLinks.find(idp.id, subject);
  if (link) {
    user = await store.users.findLive(link.user_id);
    // A deleted user does not count: its link goes and the person is provisioned anew below.
    if (!user) await store.identityLinks.remove(idp.id, subject);
  }
  if (!user) {
    user = await store.identityLinks.liveHumanByEmail(email);
    // A user this provider's SCIM provisioned is its own to link, validated domain or not (identity.md §2.4).
    const scimLink = user && await store.identityLinks.scimLinkOf(idp.id, user.id);
    if (user) {
      if (domainRow.validated !== 1 && !scimLink) {
        throw new ApiError('SSO_LINK_REQUIRES_VALIDATED_DOMAIN', `a user with email ${JSON.stringify(email)} exists and ${JSON.stringify(domain)} is not a validated domain`);
      }
      outcome = 'LINKED';
    } else {
      if (desired.grants.length === 0 && desired.accountAdmin === undefined) {
        throw new ApiError('SSO_NO_MATCHING_ROLE', 'no role mapping matches this user and the identity provider has no default login');
      }
      const id = await store.users.createHuman({
        name: displayName(identity.name, email), email, role: 'MEMBER', status: 'ACTIVE', isDeveloper: true, passwordHash: null,
        mustChangePassword: false, now,
      });
      user = (await store.users.findLive(id))!;
      outcome = 'JIT';
      access.push(personEdit(user, true));
    }
    // SCIM gave an OIDC user a placeholder subject (`scim:<id>`) until its first sign-in says who it is.
    if (scimLink?.subject.startsWith(SCIM_PLACEHOLDER)) await store.identityLinks.resubject(idp.id, scimLink.subject, subject);
    else await store.identityLinks.create({ idpId: idp.id, subject, userId: user.id, now });
  }
  // Deactivation is sticky (identity.md §5.5): the identity provider cannot undo it, and nothing changes.
  if (user.deactivated_at !== null) throw new ApiError('SSO_USER_INACTIVE', 'the user is deactivated; an account admin can reactivate it');
  await settleUser(trx, identity, user, now);
  if (user.status !== 'ACTIVE') access.push(personEdit(user, true));

  const firstLogin = outcome !== 'EXISTING';
  let refused = false;
  if (firstLogin || idp.sync_user_roles === 1) {
    const sync = await syncGrants(trx, { accountId: identity.accountId, userId: user.id, syncer: { source: 'SSO', idpId: idp.id }, desired, now });
    access.push(...sync.accessEdits);
    if (!sync.unchanged) {
      await store.auditLogs.recordMutation({
        userId: user.id, ip: origin.ip, operation: `SSO_SYNC ${wireId(idp)}`, text: JSON.stringify(sync.diff),
        variables: JSON.stringify({ user_id: encodeId('User', user.id), matched_rules: desired.matchedRules, defaults_used: desired.usedDefaults }), at: now,
      });
    }
    refused = outcome !== 'JIT' && await holdsNothing(trx, identity.accountId, user.id);
  }
  await store.identityLinks.recordLogin(idp.id, subject, { attributes: JSON.stringify(identity.attributes), now });
  await store.auditLogs.recordMutation({
    userId: user.id, ip: origin.ip, operation: `SSO_LOGIN ${identity.protocol} ${wireId(idp)}`, text: JSON.stringify({ email }),
    variables: JSON.stringify({
      issuer: identity.issuer, subject, ...(identity.assertionId === undefined ? {} : { assertion_id: identity.assertionId }),
      outcome: AUDIT_OUTCOME[outcome],
      ...(identity.groupOverage ? { warning: GROUP_OVERAGE_WARNING } : {}),
    }),
    at: now,
  });
  return { userId: user.id, outcome, session: refused ? undefined : await openSession(trx, ctx, user.id), access, accessVersion };
}

/**
 * The user as the provider describes it: ACTIVE (an invitation is used up by the first SSO login — its link only works
 * for an INVITED user — and a temporary password from it stops working), and named as the provider says.
 */
async function settleUser(trx: Trx, identity: VerifiedIdentity, user: UserRow, now: string): Promise<void> {
  const users = forAccount(trx, identity.accountId).users;
  if (user.status !== 'ACTIVE') {
    await users.activate(user.id, now);
    if (user.must_change_password === 1) await users.clearPassword(user.id, now, { invited: false });
  }
  const name = identity.name?.trim();
  if (name && name !== user.name) await users.update(user.id, { name, now });
}

/** No membership, no binding and not an account ADMIN: a session would show the user nothing. */
async function holdsNothing(trx: Trx, accountId: number, userId: number): Promise<boolean> {
  const store = forAccount(trx, accountId).syncedGrants;
  const role = await store.accountRole(userId);
  return role?.role !== 'ADMIN' && (await store.heldBy(userId)).length === 0;
}

function displayName(name: string | undefined, email: string): string {
  const trimmed = name?.trim();
  return trimmed ? trimmed : email.slice(0, email.lastIndexOf('@'));
}

function wireId(idp: IdentityProviderRow): string {
  return encodeProviderId(idp.protocol, idp.id);
}
