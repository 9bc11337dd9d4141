import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The account's rows that deleting an organization, a space or a project can take with it (foreign-key cascades). */
export interface CascadeTally {
  spaces: number;
  projects: number;
  organizationMemberships: number;
  spaceMemberships: number;
  roleBindings: number;
  resourceRestrictions: number;
  /** Live SERVICE keys whose bot is a member of at least one space. */
  serviceKeysInASpace: number;
}

/**
 * Counts one account's cascadable rows. A delete's cascade is the tally before it minus the tally after it, taken
 * in the delete's own transaction: whatever the foreign keys really remove is counted, nothing is predicted.
 */
export class DeleteCascadeTally {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  async take(now: string): Promise<CascadeTally> {
    const count = async (table: 'spaces' | 'projects' | 'organization_memberships' | 'space_memberships' | 'role_bindings' | 'resource_restrictions') => {
      const row = await this.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('account_id', '=', this.accountId).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const keys = await this.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('account_id', '=', this.accountId).where('key_type', '=', 'SERVICE').where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where('user_id', 'in', this.db.selectFrom('space_memberships').select('user_id').where('account_id', '=', this.accountId))
      .executeTakeFirstOrThrow();
    return {
      spaces: await count('spaces'),
      projects: await count('projects'),
      organizationMemberships: await count('organization_memberships'),
      spaceMemberships: await count('space_memberships'),
      roleBindings: await count('role_bindings'),
      resourceRestrictions: await count('resource_restrictions'),
      serviceKeysInASpace: Number(keys.n),
    };
  }
}
