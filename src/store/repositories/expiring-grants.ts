import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A grant whose `expires_at` has passed, as the sweeper removes and audits it. */
export interface ExpiredGrant {
  kind: 'ROLE_BINDING' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP';
  id: number;
  accountId: number;
  userId: number;
  roleId: number;
  /** The binding's space or project, the membership's organization or space. */
  resourceType: 'ORGANIZATION' | 'SPACE' | 'PROJECT';
  resourceId: number;
  expiresAt: string;
  reason: string | null;
}

const TABLE = { ROLE_BINDING: 'role_bindings', ORGANIZATION_MEMBERSHIP: 'organization_memberships', SPACE_MEMBERSHIP: 'space_memberships' } as const;

/**
 * The grants (role bindings, memberships) whose `expires_at` is at or before a given instant, across accounts: what
 * the sweeper removes. Read through the partial `…_expiring` indexes (migration 010), so only expiring rows are read.
 */
export class ExpiringGrants {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` expired grants, oldest expiry first. */
  async expired(now: string, limit: number): Promise<ExpiredGrant[]> {
    const [bindings, organizations, spaces] = await Promise.all([
      this.db.selectFrom('role_bindings').select(['id', 'account_id', 'user_id', 'role_id', 'resource_type', 'space_id', 'project_id', 'expires_at', 'reason'])
        .where('expires_at', 'is not', null).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute(),
      this.db.selectFrom('organization_memberships').select(['id', 'account_id', 'user_id', 'role_id', 'organization_id', 'expires_at', 'reason'])
        .where('expires_at', 'is not', null).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute(),
      this.db.selectFrom('space_memberships').select(['id', 'account_id', 'user_id', 'role_id', 'space_id', 'expires_at', 'reason'])
        .where('expires_at', 'is not', null).where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute(),
    ]);
    const grants: ExpiredGrant[] = [
      ...bindings.map((b): ExpiredGrant => ({
        kind: 'ROLE_BINDING', id: b.id, accountId: b.account_id, userId: b.user_id, roleId: b.role_id, resourceType: b.resource_type,
        resourceId: (b.space_id ?? b.project_id)!, expiresAt: b.expires_at!, reason: b.reason,
      })),
      ...organizations.map((m): ExpiredGrant => ({
        kind: 'ORGANIZATION_MEMBERSHIP', id: m.id, accountId: m.account_id, userId: m.user_id, roleId: m.role_id, resourceType: 'ORGANIZATION',
        resourceId: m.organization_id, expiresAt: m.expires_at!, reason: m.reason,
      })),
      ...spaces.map((m): ExpiredGrant => ({
        kind: 'SPACE_MEMBERSHIP', id: m.id, accountId: m.account_id, userId: m.user_id, roleId: m.role_id, resourceType: 'SPACE',
        resourceId: m.space_id, expiresAt: m.expires_at!, reason: m.reason,
      })),
    ];
    return grants.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)).slice(0, limit);
  }

  /** Deletes the grant if it is still there with the same expiry (not renewed meanwhile); false otherwise. */
  async remove(grant: ExpiredGrant): Promise<boolean> {
    const removed = await this.db.deleteFrom(TABLE[grant.kind]).where('id', '=', grant.id).where('account_id', '=', grant.accountId)
      .where('expires_at', '=', grant.expiresAt).executeTakeFirst();
    return Number(removed.numDeletedRows) > 0;
  }
}
