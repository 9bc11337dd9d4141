import type { Kysely } from 'kysely';
import type { AccountRoleKey, Database, GrantSourceColumn, IdentityProtocol, UserRow } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** The four kinds of grant an identity provider's sync writes (the role-mapping engine's names). */
export type SyncedGrantKind = 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING';

/** A membership or role binding of a user, with who wrote it. */
export interface SyncedGrantRow {
  kind: SyncedGrantKind;
  rowId: number;
  resourceId: number;
  roleId: number;
  source: GrantSourceColumn;
  sourceIdpId: number | null;
}

/** Who wrote a grant, with the protocol of its identity provider (null when MANUAL). */
export interface GrantProvenanceRow { source: GrantSourceColumn; source_idp_id: number | null; source_idp_protocol: IdentityProtocol | null }

/** A live user's account role with its provenance, and its standing (what the access snapshot holds of it besides). */
export type AccountRoleRow = Pick<UserRow, 'role' | 'role_source' | 'role_before_sync' | 'status' | 'deleted_at' | 'deactivated_at'>;

/** Who writes a synced row: its source and identity provider. */
export interface GrantWriter { source: 'SSO' | 'SCIM'; idpId: number }

const TABLE = {
  ORGANIZATION_MEMBERSHIP: 'organization_memberships',
  SPACE_MEMBERSHIP: 'space_memberships',
  SPACE_BINDING: 'role_bindings',
  PROJECT_BINDING: 'role_bindings',
} as const;

/**
 * The rows a role-mapping sync reads and writes for one user: every organization membership, space membership and
 * role binding of the user with its source, and the account role a sync may promote. Each write touches one row by
 * id (never the API's cascades: a removed space membership must not take an admin's bindings with it); the caller
 * decides which rows are its own. Every query is filtered by the account it was made for.
 */
export class SyncedGrantRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** Every membership and binding of the user, each with its source. */
  async heldBy(userId: number): Promise<SyncedGrantRow[]> {
    const [orgs, spaces, bindings] = await Promise.all([
      this.db.selectFrom('organization_memberships').select(['id', 'organization_id', 'role_id', 'source', 'source_idp_id'])
        .where('user_id', '=', userId).where('account_id', '=', this.accountId).orderBy('id').execute(),
      this.db.selectFrom('space_memberships').select(['id', 'space_id', 'role_id', 'source', 'source_idp_id'])
        .where('user_id', '=', userId).where('account_id', '=', this.accountId).orderBy('id').execute(),
      this.db.selectFrom('role_bindings').select(['id', 'resource_type', 'space_id', 'project_id', 'role_id', 'source', 'source_idp_id'])
        .where('user_id', '=', userId).where(unindexed('account_id'), '=', this.accountId).orderBy('id').execute(),
    ]);
    const row = (kind: SyncedGrantKind, r: { id: number; role_id: number; source: GrantSourceColumn; source_idp_id: number | null }, resourceId: number) =>
      ({ kind, rowId: r.id, resourceId, roleId: r.role_id, source: r.source, sourceIdpId: r.source_idp_id });
    return [
      ...orgs.map((r) => row('ORGANIZATION_MEMBERSHIP', r, r.organization_id)),
      ...spaces.map((r) => row('SPACE_MEMBERSHIP', r, r.space_id)),
      ...bindings.map((r) => (r.resource_type === 'SPACE' ? row('SPACE_BINDING', r, r.space_id!) : row('PROJECT_BINDING', r, r.project_id!))),
    ];
  }

  /** The organization of each of these spaces of the account (a space that no longer exists is absent). */
  async organizationsOf(spaceIds: readonly number[]): Promise<Map<number, number>> {
    if (spaceIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('spaces').select(['id', 'organization_id'])
      .where('account_id', '=', this.accountId).where('id', 'in', [...new Set(spaceIds)]).execute();
    return new Map(rows.map((r) => [r.id, r.organization_id]));
  }

  /** Writes a grant as the writer's; the id of the new row. */
  async add(kind: SyncedGrantKind, values: { userId: number; resourceId: number; roleId: number; by: GrantWriter; now: string }): Promise<number> {
    const common = {
      account_id: this.accountId, user_id: values.userId, role_id: values.roleId, source: values.by.source,
      source_idp_id: values.by.idpId, created_at: values.now, updated_at: values.now,
    };
    if (kind === 'ORGANIZATION_MEMBERSHIP') {
      return (await this.db.insertInto('organization_memberships').values({ ...common, organization_id: values.resourceId })
        .returning('id').executeTakeFirstOrThrow()).id;
    }
    if (kind === 'SPACE_MEMBERSHIP') {
      return (await this.db.insertInto('space_memberships').values({ ...common, space_id: values.resourceId }).returning('id').executeTakeFirstOrThrow()).id;
    }
    const { id } = await this.db.insertInto('role_bindings').values({
      ...common, resource_type: kind === 'SPACE_BINDING' ? 'SPACE' : 'PROJECT',
      space_id: kind === 'SPACE_BINDING' ? values.resourceId : null, project_id: kind === 'PROJECT_BINDING' ? values.resourceId : null,
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /** Gives one row another role (its source stays). */
  async changeRole(kind: SyncedGrantKind, rowId: number, roleId: number, now: string): Promise<void> {
    await this.db.updateTable(TABLE[kind]).set({ role_id: roleId, updated_at: now })
      .where('id', '=', rowId).where('account_id', '=', this.accountId).execute();
  }

  /** Deletes exactly this row. */
  async remove(kind: SyncedGrantKind, rowId: number): Promise<void> {
    await this.db.deleteFrom(TABLE[kind]).where('id', '=', rowId).where('account_id', '=', this.accountId).execute();
  }

  /** The protocol of each of these identity providers of the account (live or deleted), in one query. */
  async protocolsOf(idpIds: readonly number[]): Promise<Map<number, IdentityProtocol>> {
    if (idpIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('identity_providers').select(['id', 'protocol'])
      .where('account_id', '=', this.accountId).where('id', 'in', [...new Set(idpIds)]).execute();
    return new Map(rows.map((r) => [r.id, r.protocol]));
  }

  /**
   * Which of these users hold anything `writer` wrote (a membership, a binding, or an account role it promoted): a
   * sync that wants nothing for a user holding nothing of its own has nothing to do, so a directory's initial push
   * of thousands of unmapped group members costs one query per few hundred users.
   */
  async holdersAmong(writer: GrantWriter, userIds: readonly number[]): Promise<Set<number>> {
    const holders = new Set<number>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 500) {
      const slice = unique.slice(i, i + 500);
      // Searched by user: beside the users, SQLite's planner took the account's index, or the provider's (every grant
      // it wrote), for the better one (unindexed-column.ts).
      const held = (table: 'organization_memberships' | 'space_memberships' | 'role_bindings') => this.db.selectFrom(table).select('user_id')
        .where(unindexed('account_id'), '=', this.accountId).where('source', '=', writer.source).where(unindexed('source_idp_id'), '=', writer.idpId)
        .where('user_id', 'in', slice);
      const promoted = this.db.selectFrom('users').select('id as user_id').where(unindexed('account_id'), '=', this.accountId)
        .where('role_source', '=', `${writer.source}:${writer.idpId}`).where('id', 'in', slice);
      const rows = await held('organization_memberships').union(held('space_memberships')).union(held('role_bindings')).union(promoted).execute();
      for (const row of rows) holders.add(row.user_id);
    }
    return holders;
  }

  /** The account role of a live user, who set it, and the user's standing (a sync that moves the role says it to the snapshot). */
  accountRole(userId: number): Promise<AccountRoleRow | undefined> {
    return this.db.selectFrom('users').select(['role', 'role_source', 'role_before_sync', 'status', 'deleted_at', 'deactivated_at'])
      .where('id', '=', userId).where('account_id', '=', this.accountId).where('deleted_at', 'is', null).executeTakeFirst();
  }

  /** Sets the account role with its provenance: `roleSource` `SSO:<idp>` and the role before, or null for both. */
  async setAccountRole(userId: number, values: { role: AccountRoleKey; roleSource: string | null; roleBeforeSync: AccountRoleKey | null; now: string }): Promise<void> {
    await this.db.updateTable('users').set({
      role: values.role, role_source: values.roleSource, role_before_sync: values.roleBeforeSync, updated_at: values.now,
    }).where('id', '=', userId).where('account_id', '=', this.accountId).execute();
  }
}
