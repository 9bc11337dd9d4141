import { isoNow } from '../../domain/clock.js';
import { badRequest, conflict, notFound } from '../../domain/errors.js';
import { decodeId, encodeId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { digestKey, scimTokenFormat } from '../../keys/index.js';
import { forAccount } from '../../store/account-store.js';
import type { IdentityProtocol, ScimTokenRow } from '../../store/schema.js';
import { adminProvider } from '../identity-providers/providers.js';
import { type Actor, runMutation } from '../mutation.js';
import { decodeCursor, type Page, toPage } from '../pagination.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Live tokens a provider may have at once (identity.md §5.1): enough for rotation to overlap — create, switch the
 * directory, delete the old one — and few enough that a forgotten token stands out.
 */
export const MAX_LIVE_SCIM_TOKENS = 5;
const DEFAULT_NAME = 'SCIM token';

/** A created token: its record and the raw token, which is never stored nor shown again. */
export interface CreatedScimToken {
  row: ScimTokenRow;
  token: string;
}

/** `redacted_token`: the prefix, 3 characters of the public id and the last 4 (`axscim-abc...wxyz`). */
export function redactScimToken(row: ScimTokenRow): string {
  return scimTokenFormat.redact(row.public_id, row.last4);
}

/** An RFC 3339 time (already format-checked) as stored (UTC, milliseconds), which must lie after `now`: else 400. */
function futureTime(value: string, now: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`expires_at: not a valid RFC 3339 time: ${JSON.stringify(value)}`);
  const time = new Date(ms).toISOString();
  if (time <= now) throw badRequest(`expires_at: must be in the future (now is ${now})`);
  return time;
}

/**
 * A new SCIM token for the provider (account admins). At most MAX_LIVE_SCIM_TOKENS live ones per provider: the count
 * and the insert are one transaction, which runMutation serializes per account (its first statement bumps the
 * account's access version), so two concurrent creates cannot both take the last place. The audit row names the new
 * token's id, never the token.
 */
export async function createScimToken(
  ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string, input: { name?: string | undefined; expires_at?: string | undefined },
): Promise<CreatedScimToken> {
  const { principal } = actor;
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'create SCIM tokens');
  const now = isoNow(ctx.clock);
  const expiresAt = input.expires_at === undefined ? null : futureTime(input.expires_at, now);
  const audited: Actor = { ...actor };
  return runMutation(ctx, audited, async (trx) => {
    const tokens = forAccount(trx, principal.accountId).scimTokens;
    if (await tokens.countLive(idp.id, now) >= MAX_LIVE_SCIM_TOKENS) {
      throw conflict(
        `the identity provider already has ${MAX_LIVE_SCIM_TOKENS} live SCIM tokens; delete one it no longer uses first`, 'too many SCIM tokens',
      );
    }
    const generated = scimTokenFormat.generate();
    const row = await tokens.insert({
      idpId: idp.id, publicId: generated.publicId, secretHash: digestKey(ctx.secrets.keyPepper, generated.raw), last4: generated.last4,
      name: input.name ?? DEFAULT_NAME, createdBy: principal.userId, expiresAt, now,
    });
    audited.text = JSON.stringify({ id: encodeId('ScimToken', row.id), name: row.name, expires_at: row.expires_at ?? undefined });
    return { row, token: generated.raw };
  });
}

/** The provider's tokens that are not revoked (expired ones included), oldest first, keyset-paginated by id. */
export async function listScimTokens(
  ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string, query: { limit: number; cursor?: string | undefined },
): Promise<Page<ScimTokenRow>> {
  const scope = 'scim-tokens';
  const after = decodeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'list SCIM tokens');
  const rows = await forAccount(ctx.store.db, principal.accountId).scimTokens.list(idp.id, { after, limit: query.limit + 1 });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => r.id, (r) => r);
}

/**
 * Revokes a token at once and everywhere: the change feed names its public id, so every process's verifier drops it
 * before the next request. Idempotent: revoking a revoked token is a no-op (204 again); a token the provider never had
 * is a 404.
 */
export async function revokeScimToken(ctx: ServiceDeps, actor: Actor, protocol: IdentityProtocol, idpId: string, tokenId: string): Promise<void> {
  const idp = await adminProvider(ctx, actor.principal, protocol, idpId, 'delete SCIM tokens');
  const id = decodeId('ScimToken', tokenId, 'token_id');
  await runMutation(ctx, actor, async (trx, changes) => {
    const tokens = forAccount(trx, actor.principal.accountId).scimTokens;
    const row = await tokens.find(idp.id, id);
    if (!row) throw notFound('SCIM token');
    await tokens.revoke(row.id, isoNow(ctx.clock));
    changes.key(row.public_id);
  });
}
