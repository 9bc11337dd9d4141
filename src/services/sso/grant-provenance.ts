import type { Reason } from '../../access/index.js';
import { forAccount } from '../../store/account-store.js';
import type { GrantProvenanceRow } from '../../store/repositories/synced-grants.js';
import type { ServiceDeps } from '../service-deps.js';

/**
 * Who wrote each grant an access explanation names (identity.md §4.5): an admin (`MANUAL`) or an identity provider's
 * sync (`SSO` / `SCIM` with the provider). The account role's writer is its `role_source`. Undefined for reasons
 * that are no grant (a restriction, no grant at all). The mapping position behind a synced grant is not stored with
 * the row (the sync's audit row has it), so it is not part of the answer.
 */
export async function grantSourcesOf(
  ctx: ServiceDeps, accountId: number, userId: number, reasons: readonly Reason[],
): Promise<(GrantProvenanceRow | undefined)[]> {
  const store = forAccount(ctx.store.db, accountId).syncedGrants;
  return Promise.all(reasons.map(async (reason): Promise<GrantProvenanceRow | undefined> => {
    switch (reason.source) {
      case 'ACCOUNT_ROLE': {
        const role = await store.accountRole(userId);
        const m = role?.role_source ? /^(SSO|SCIM):([0-9]+)$/.exec(role.role_source) : null;
        if (!m) return { source: 'MANUAL', source_idp_id: null, source_idp_protocol: null };
        const idpId = Number(m[2]);
        return { source: m[1] as 'SSO' | 'SCIM', source_idp_id: idpId, source_idp_protocol: (await store.protocolOf(idpId)) ?? null };
      }
      case 'ORGANIZATION_MEMBERSHIP':
      case 'SPACE_MEMBERSHIP':
        return store.provenanceOf(reason.source, userId, reason.resource.type === 'ACCOUNT' ? 0 : reason.resource.id);
      case 'SPACE_BINDING':
      case 'PROJECT_BINDING':
        return reason.bindingId === undefined ? undefined : store.provenanceOf(reason.source, userId, reason.bindingId);
      default:
        return undefined;
    }
  }));
}
