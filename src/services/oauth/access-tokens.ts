import { digestToken } from '../../auth/token-digest.js';
import type { Principal } from '../../domain/principal.js';
import { mayAuthenticate } from '../../domain/user-standing.js';
import type { ServiceDeps } from '../service-deps.js';
import { OAuthPayloadRecords } from '../../store/oauth-payloads.js';

/** A login's last-used time is written at most this often per grant and process. */
const TOUCH_INTERVAL_MS = 60_000;
/** Past this many logins remembered, those not touched within the interval are forgotten (they would write anyway). */
const TOUCHED_KEPT = 10_000;
const touched = new Map<string, number>();

/** Records that a login was used (a `/v2` call or a refresh), at most once a minute per grant and process. */
export async function touchGrant(records: OAuthPayloadRecords, grantId: string, now: number): Promise<void> {
  if (now - (touched.get(grantId) ?? 0) < TOUCH_INTERVAL_MS) return;
  if (touched.size >= TOUCHED_KEPT) {
    for (const [id, at] of touched) if (now - at >= TOUCH_INTERVAL_MS) touched.delete(id);
  }
  touched.set(grantId, now);
  await records.touchGrantById(grantId, new Date(now).toISOString());
}

/** The digest an access token is stored under (the adapter's key for the AccessToken model). */
function accessTokenDigest(tokenKey: Buffer, token: string): string {
  return digestToken(tokenKey, `AccessToken\n${token}`);
}

/** The shape of the OAuth server's opaque access tokens: 256 random bits as 43 url-safe characters (oidc-provider's default). */
const ACCESS_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Whether a bearer value could be an access token at all (anything else is malformed, with no database read). */
export function looksLikeAccessToken(value: string): boolean {
  return ACCESS_TOKEN_SHAPE.test(value);
}

/**
 * The principal of an OAuth access token (`ax auth login`): the user with the user's rights as they are now, read
 * from the database on every request like a console session, so a revoked login, a deleted or deactivated user is
 * refused at once by every process (identity.md §6.6). Undefined for a token that is unknown, expired or revoked, or
 * whose user is no longer ACTIVE.
 */
export async function principalOfAccessToken(ctx: ServiceDeps, token: string): Promise<Principal | undefined> {
  const now = ctx.clock.now();
  const records = new OAuthPayloadRecords(ctx.store.db);
  const holder = await records.findAccessToken(accessTokenDigest(ctx.secrets.tokenKey, token), new Date(now).toISOString());
  if (!holder || holder.grant_id === null || holder.grant_row_id === null) return undefined;
  if (!mayAuthenticate(holder) || holder.is_bot === 1) return undefined;
  await touchGrant(records, holder.grant_id, now);
  return {
    accountId: holder.account_id, userId: holder.user_id, name: holder.name, email: holder.email, role: holder.role, isBot: false,
    oauthGrantId: holder.grant_row_id,
  };
}
