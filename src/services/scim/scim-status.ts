import { isoNow } from '../../domain/clock.js';
import { encodeProviderId } from '../../domain/ids.js';
import type { Principal } from '../../domain/principal.js';
import { forAccount } from '../../store/account-store.js';
import type { ScimActivity } from '../../store/repositories/scim-tokens.js';
import type { IdentityProtocol } from '../../store/schema.js';
import type { ServiceDeps } from '../service-deps.js';
import { scimErrorOperation, type ScimRequestFailure } from './scim-errors-log.js';
import { adminProvider } from '../identity-providers/providers.js';

const RECENT_ERRORS = 20;

/** A provider's SCIM connection as the console's Provisioning tab shows it. */
export interface ScimStatusView extends Omit<ScimActivity, 'recentErrors'> {
  baseUrl: string;
  liveTokens: number;
  recentErrors: (ScimRequestFailure & { at: string })[];
}

/** The failure an audit row recorded (recordScimError wrote its text); a row it cannot read shows what it has. */
function failureOf(text: string | null): ScimRequestFailure {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<ScimRequestFailure>;
    return {
      method: String(parsed.method ?? ''), route: String(parsed.route ?? ''), status: Number(parsed.status ?? 0),
      scimType: parsed.scimType, detail: String(parsed.detail ?? ''),
    };
  } catch {
    return { method: '', route: '', status: 0, detail: text ?? '' };
  }
}

/**
 * `GET …/{idp_id}/scim-status` (account admins): the base URL to paste into the directory, its live tokens, when it
 * last called and last synced groups, how many users and groups it manages, and its latest failed requests.
 */
export async function getScimStatus(ctx: ServiceDeps, principal: Principal, protocol: IdentityProtocol, idpId: string): Promise<ScimStatusView> {
  const idp = await adminProvider(ctx, principal, protocol, idpId, 'read the SCIM status');
  const tokens = forAccount(ctx.store.db, principal.accountId).scimTokens;
  const [liveTokens, activity] = await Promise.all([
    tokens.countLive(idp.id, isoNow(ctx.clock)),
    tokens.activity(idp.id, {
      syncOperation: `SCIM_SYNC ${encodeProviderId(protocol, idp.id)}`, errorOperation: scimErrorOperation(protocol, idp.id), errorLimit: RECENT_ERRORS,
    }),
  ]);
  return {
    ...activity,
    baseUrl: `${ctx.config.publicUrl}/scim/v2`,
    liveTokens,
    recentErrors: activity.recentErrors.map((row) => ({ at: row.created_at, ...failureOf(row.operation_text) })),
  };
}
