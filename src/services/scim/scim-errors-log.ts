import { isoNow } from '../../domain/clock.js';
import { encodeId, encodeProviderId } from '../../domain/ids.js';
import type { ScimType } from '../../domain/scim-error.js';
import { forAccount } from '../../store/account-store.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ScimCaller } from './scim-caller.js';

/** A refused SCIM request, as the Provisioning tab lists it (`recent_errors` of the SCIM status). */
export interface ScimRequestFailure {
  method: string;
  /** The route pattern (`/scim/v2/Users/:id`), or the path when no route matched. */
  route: string;
  status: number;
  scimType?: ScimType | undefined;
  detail: string;
}

/** The audit operation of a provider's failed SCIM requests: `SCIM_ERROR <idp wire id>`. */
export function scimErrorOperation(idpProtocol: ScimCaller['idpProtocol'], idpId: number): string {
  return `SCIM_ERROR ${encodeProviderId(idpProtocol, idpId)}`;
}

/**
 * Records a SCIM request that failed after authentication (status ≥ 400) as an audit row of the account, so that an
 * admin sees why a directory's pushes do not land (identity.md §5, the console's Provisioning tab). Written outside
 * any transaction — the request's own one rolled back — and it never throws: failing to record must not turn the
 * directory's 4xx into a 500.
 */
export async function recordScimError(ctx: ServiceDeps, caller: ScimCaller, failure: ScimRequestFailure): Promise<void> {
  try {
    await forAccount(ctx.store.db, caller.accountId).auditLogs.recordMutation({
      userId: null, ip: caller.ip, operation: scimErrorOperation(caller.idpProtocol, caller.idpId),
      text: JSON.stringify({ method: failure.method, route: failure.route, status: failure.status, scimType: failure.scimType, detail: failure.detail }),
      variables: JSON.stringify({ actor: `scim_token:${encodeId('ScimToken', caller.tokenId)}` }),
      at: isoNow(ctx.clock),
    });
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not record a failed SCIM request');
  }
}
