import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * The rows an access document is made of, for one account, as one transaction sees them: organizations, spaces,
 * projects with their restriction, roles, live users, and the grants of live users (memberships and bindings).
 * Every query is filtered by the account.
 */
export class AccessDocumentRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  async read() {
    const db = this.db;
    const accountId = this.accountId;
    const [organizations, spaces, projects, roles, users, organizationMemberships, spaceMemberships, roleBindings] = await Promise.all([
      db.selectFrom('organizations').select(['id', 'name', 'description']).where('account_id', '=', accountId).execute(),
      db.selectFrom('spaces').select(['id', 'organization_id', 'name', 'description', 'is_private']).where('account_id', '=', accountId).execute(),
      db.selectFrom('projects').leftJoin('resource_restrictions', 'resource_restrictions.project_id', 'projects.id')
        .select(['projects.id', 'projects.space_id', 'projects.name', 'resource_restrictions.project_id as restricted_id'])
        .where('projects.account_id', '=', accountId).execute(),
      db.selectFrom('roles').select(['id', 'name', 'description', 'predefined_key', 'permissions']).where('account_id', '=', accountId).execute(),
      db.selectFrom('users').select(['id', 'email', 'email_lower', 'is_bot']).where('account_id', '=', accountId).where('deleted_at', 'is', null).execute(),
      db.selectFrom('organization_memberships as om').innerJoin('users as u', 'u.id', 'om.user_id').select(['om.organization_id', 'om.user_id', 'om.role_id', 'om.expires_at', 'om.reason'])
        .where('om.account_id', '=', accountId).where('u.deleted_at', 'is', null).execute(),
      db.selectFrom('space_memberships as sm').innerJoin('users as u', 'u.id', 'sm.user_id').select(['sm.space_id', 'sm.user_id', 'sm.role_id', 'sm.expires_at', 'sm.reason'])
        .where('sm.account_id', '=', accountId).where('u.deleted_at', 'is', null).execute(),
      db.selectFrom('role_bindings as rb').innerJoin('users as u', 'u.id', 'rb.user_id').select(['rb.id', 'rb.resource_type', 'rb.space_id', 'rb.project_id', 'rb.user_id', 'rb.role_id', 'rb.expires_at', 'rb.reason'])
        .where('rb.account_id', '=', accountId).where('u.deleted_at', 'is', null).execute(),
    ]);
    return { organizations, spaces, projects, roles, users, organizationMemberships, spaceMemberships, roleBindings };
  }
}

export type AccessDocumentRows = Awaited<ReturnType<AccessDocumentRepository['read']>>;
