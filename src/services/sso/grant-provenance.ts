import type { Reason } from '../../access/index.js';
import { forAccount } from '../../store/account-store.js';
import type { GrantProvenanceRow, SyncedGrantRow } from '../../store/repositories/synced-grants.js';
import type { IdentityProtocol } from '../../store/schema.js';
import type { ServiceDeps } from '../service-deps.js';
import { parseRoleSource } from './grant-sync.js';

/** What one user holds, with who wrote it: read once, whatever the number of reasons and questions about the user. */
interface UserProvenance {
  held: SyncedGrantRow[];
  roleSource: string | null;
  protocols: Map<number, IdentityProtocol>;
}

/** The reasons that name a grant someone wrote. */
const GRANT_SOURCES = new Set<Reason['source']>(['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING']);

/**
 * Who wrote each grant an access explanation names (identity.md §4.5): an admin (`MANUAL`) or an identity provider's
 * sync (`SSO` / `SCIM` with the provider). The account role's writer is its `role_source`. Undefined for reasons
 * that are no grant (a restriction, no grant at all). The mapping position behind a synced grant is not stored with
 * the row (the sync's audit row has it), so it is not part of the answer.
 *
 * One instance serves one request: each user's memberships, bindings and account role are read once (a few queries),
 * so a batch of checks about one user costs what a single check costs.
 */
export class GrantSources {
  readonly #byUser = new Map<number, Promise<UserProvenance>>();

  constructor(private readonly ctx: ServiceDeps, private readonly accountId: number) {}

  async of(userId: number, reasons: readonly Reason[]): Promise<(GrantProvenanceRow | undefined)[]> {
    if (!reasons.some((reason) => GRANT_SOURCES.has(reason.source))) return reasons.map(() => undefined);
    const user = await this.#load(userId);
    return reasons.map((reason) => provenanceOf(user, reason));
  }

  #load(userId: number): Promise<UserProvenance> {
    let loading = this.#byUser.get(userId);
    if (!loading) {
      loading = this.#read(userId);
      this.#byUser.set(userId, loading);
    }
    return loading;
  }

  async #read(userId: number): Promise<UserProvenance> {
    const store = forAccount(this.ctx.store.db, this.accountId).syncedGrants;
    const [held, role] = await Promise.all([store.heldBy(userId), store.accountRole(userId)]);
    const roleSource = role?.role_source ?? null;
    const idpIds = held.flatMap((row) => (row.sourceIdpId === null ? [] : [row.sourceIdpId]));
    const fromRole = parseRoleSource(roleSource);
    if (fromRole) idpIds.push(fromRole.idpId);
    return { held, roleSource, protocols: await store.protocolsOf(idpIds) };
  }
}

function provenanceOf(user: UserProvenance, reason: Reason): GrantProvenanceRow | undefined {
  const written = (source: GrantProvenanceRow['source'], idpId: number | null): GrantProvenanceRow => ({
    source, source_idp_id: idpId, source_idp_protocol: idpId === null ? null : user.protocols.get(idpId) ?? null,
  });
  switch (reason.source) {
    case 'ACCOUNT_ROLE': {
      const promotedBy = parseRoleSource(user.roleSource);
      return promotedBy ? written(promotedBy.source, promotedBy.idpId) : written('MANUAL', null);
    }
    case 'ORGANIZATION_MEMBERSHIP':
    case 'SPACE_MEMBERSHIP': {
      const resourceId = reason.resource.type === 'ACCOUNT' ? undefined : reason.resource.id;
      const row = user.held.find((h) => h.kind === reason.source && h.resourceId === resourceId);
      return row && written(row.source, row.sourceIdpId);
    }
    case 'SPACE_BINDING':
    case 'PROJECT_BINDING': {
      const row = user.held.find((h) => h.kind === reason.source && h.rowId === reason.bindingId);
      return row && written(row.source, row.sourceIdpId);
    }
    default:
      return undefined;
  }
}
