import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { encodeId, parseId } from '../../domain/ids.js';
import { recordAuthenticationFailures } from '../authentication-failures.js';
import type { ServiceDeps } from '../service-deps.js';
import { AuditLogRepository } from '../../store/repositories/audit-logs.js';
import { OAuthPayloadRecords } from '../../store/oauth-payloads.js';
import { touchGrant } from './access-tokens.js';
import type { RevokedGrantOwners } from './payload-adapter.js';

/** The user a token request or revocation was about: the token's `accountId` is the user's REST id. */
function userOf(koa: KoaContextWithOIDC): number | undefined {
  const entities = koa.oidc.entities;
  const accountId = entities.RefreshToken?.accountId ?? entities.AccessToken?.accountId ?? entities.AuthorizationCode?.accountId;
  const parsed = accountId === undefined ? undefined : parseId(accountId);
  return parsed?.type === 'User' ? parsed.n : undefined;
}

/** `METHOD /route`, the resume route's uid replaced by its name as every other failure names its route. */
function operationOf(koa: KoaContextWithOIDC): string {
  return `${koa.method} ${koa.path.replace(/^\/oauth2\/authorize\/[^/]+$/, '/oauth2/authorize/:uid')}`;
}

/**
 * A refused authorize or token request, as an authentication failure (`oauth_<error>`) that counts against the
 * address's failure limit. Also used for the authorize refusals made before the library sees the request.
 */
export function recordOAuthFailure(ctx: ServiceDeps, failure: { ip: string; error: string; operation: string }): Promise<void> {
  ctx.authLimits.keyAddresses.fail(failure.ip);
  return recordAuthenticationFailures(ctx, [{ accountId: null, ip: failure.ip, reason: `oauth_${failure.error}`, operation: failure.operation }]);
}

/**
 * What the OAuth server does is audited (identity.md §9, issue 11): a refresh (`OAUTH_TOKEN_REFRESHED`), the reuse of
 * a rotated refresh token or of a code, which ends the login (`OAUTH_REFRESH_REUSED`, `OAUTH_CODE_REUSED`), a
 * revocation (`OAUTH_GRANT_REVOKED`); failed authorize and token requests are recorded as authentication failures
 * and count against the address's failure limit. The login itself (`OAUTH_GRANT_CREATED`) is audited where it is
 * approved. The library emits these events synchronously; the rows are written after, and a failure to write one is
 * logged, never thrown into the library.
 */
export function recordOAuthEvents(provider: Provider, ctx: ServiceDeps, revokedOwners: RevokedGrantOwners): void {
  const payloads = new OAuthPayloadRecords(ctx.store.db);

  const audit = async (koa: KoaContextWithOIDC, operation: string, details: Record<string, unknown>, userId = userOf(koa)) => {
    if (userId === undefined) return;
    const user = await ctx.store.db.selectFrom('users').select(['account_id']).where('id', '=', userId).executeTakeFirst();
    if (!user) return;
    await new AuditLogRepository(ctx.store.db, user.account_id).recordMutation({
      userId, ip: koa.ip, operation, text: JSON.stringify({ client_id: koa.oidc.client?.clientId, ...details }),
      variables: JSON.stringify({ user_id: encodeId('User', userId) }), at: new Date(ctx.clock.now()).toISOString(),
    });
  };
  const run = (work: Promise<unknown>) => {
    work.catch((error: unknown) => ctx.log.error({ err: error }, 'recording an OAuth event failed'));
  };

  provider.on('grant.success', (koa: KoaContextWithOIDC) => {
    if (koa.oidc.params?.grant_type !== 'refresh_token') return;
    run((async () => {
      await audit(koa, 'OAUTH_TOKEN_REFRESHED', {});
      const grantId = koa.oidc.entities.RefreshToken?.grantId;
      if (grantId !== undefined) await touchGrant(payloads, grantId, ctx.clock.now());
    })());
  });

  provider.on('grant.revoked', (koa: KoaContextWithOIDC, grantId: string) => {
    const owner = revokedOwners.take(grantId) ?? userOf(koa);
    const operation = koa.oidc.route === 'revocation' ? 'OAUTH_GRANT_REVOKED'
      : koa.oidc.params?.grant_type === 'refresh_token' ? 'OAUTH_REFRESH_REUSED' : 'OAUTH_CODE_REUSED';
    const reason = operation === 'OAUTH_GRANT_REVOKED' ? 'revoked by the client (logout)' : 'a single-use credential was presented twice: the whole login was revoked';
    run(audit(koa, operation, { grant_id: grantId, reason }, owner));
  });

  const failed = (koa: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
    run(recordOAuthFailure(ctx, { ip: koa.ip, error: error.error ?? 'error', operation: operationOf(koa) }));
  };
  provider.on('grant.error', failed);
  provider.on('authorization.error', failed);
}
