import { type Kysely, type Selectable, sql } from 'kysely';
import { sourceProtocol } from '../grant-provenance.js';
import type { AccessReviewGrantsTable, AccessReviewsTable, Database, IdentityProtocol } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

export type AccessReviewRow = Selectable<AccessReviewsTable> & { kept: number; revoked: number };
/** A frozen grant as read, with the protocol of the identity provider that wrote it (null when MANUAL). */
export type AccessReviewGrantRow = Selectable<AccessReviewGrantsTable> & { source_idp_protocol: IdentityProtocol | null };
/** A grant as a review freezes it (everything a signature covers), before it has an id. */
export type FrozenGrant = Omit<Selectable<AccessReviewGrantsTable>, 'id' | 'review_id' | 'account_id' | 'decision' | 'decided_by_user_id' | 'decided_at' | 'note' | 'outcome'>;
export type ReviewDecision = 'keep' | 'revoke';

/** `SSO:<idp id>` / `SCIM:<idp id>` of users.role_source, or an admin's (null). */
function roleProvenance(roleSource: string | null): Pick<FrozenGrant, 'provenance' | 'provenance_idp_id'> {
  const m = roleSource === null ? null : /^(SSO|SCIM):(\d+)$/.exec(roleSource);
  return m ? { provenance: m[1] as 'SSO' | 'SCIM', provenance_idp_id: Number(m[2]) } : { provenance: 'MANUAL', provenance_idp_id: null };
}

const roleName = sql<string>`coalesce(roles.predefined_key, roles.name)`;

/** One account's access reviews and their frozen grants: every query is filtered by the account. */
export class AccessReviewRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * Every grant of every live user and service key (bot) of the account, as it stands: the account role, each
   * organization and space membership and each role binding, with the names of principals, resources and roles.
   */
  async currentGrants(): Promise<FrozenGrant[]> {
    const a = this.accountId;
    const db = this.db;
    const [account, users, orgs, spaces, bindings] = await Promise.all([
      db.selectFrom('accounts').select('name').where('id', '=', a).executeTakeFirstOrThrow(),
      db.selectFrom('users').select(['id', 'name', 'email', 'role', 'role_source', 'status', 'is_bot', 'deactivated_at'])
        .where('account_id', '=', a).where('deleted_at', 'is', null).execute(),
      db.selectFrom('organization_memberships as m').innerJoin('organizations as o', 'o.id', 'm.organization_id').innerJoin('roles', 'roles.id', 'm.role_id')
        .select(['m.user_id', 'm.organization_id as resource_id', 'o.name as resource_name', 'm.role_id', roleName.as('role_name'), 'm.source', 'm.source_idp_id', 'm.expires_at'])
        .where('m.account_id', '=', a).execute(),
      db.selectFrom('space_memberships as m').innerJoin('spaces as s', 's.id', 'm.space_id').innerJoin('roles', 'roles.id', 'm.role_id')
        .select(['m.user_id', 'm.space_id as resource_id', 's.name as resource_name', 'm.role_id', roleName.as('role_name'), 'm.source', 'm.source_idp_id', 'm.expires_at'])
        .where('m.account_id', '=', a).execute(),
      db.selectFrom('role_bindings as b').innerJoin('roles', 'roles.id', 'b.role_id')
        .leftJoin('spaces as s', 's.id', 'b.space_id').leftJoin('projects as p', 'p.id', 'b.project_id')
        .select(['b.id', 'b.user_id', 'b.resource_type', 'b.space_id', 'b.project_id', 's.name as space_name', 'p.name as project_name', 'b.role_id',
          roleName.as('role_name'), 'b.source', 'b.source_idp_id', 'b.expires_at'])
        .where('b.account_id', '=', a).execute(),
    ]);
    const people = new Map(users.map((u) => [Number(u.id), {
      principal_type: u.is_bot ? 'SERVICE_KEY' as const : 'USER' as const, user_id: Number(u.id), principal_name: u.name, principal_email: u.email,
      principal_status: u.deactivated_at !== null ? 'DEACTIVATED' : u.status,
    }]));
    const out: FrozenGrant[] = [];
    const none = { role_id: null, binding_id: null };
    for (const u of users) {
      out.push({ ...people.get(Number(u.id))!, source: 'ACCOUNT_ROLE', resource_type: 'ACCOUNT', resource_id: a, resource_name: account.name,
        ...none, role_name: u.role, ...roleProvenance(u.role_source), expires_at: null });
    }
    const provenance = (g: { source: string; source_idp_id: number | null }) =>
      ({ provenance: g.source as FrozenGrant['provenance'], provenance_idp_id: g.source_idp_id === null ? null : Number(g.source_idp_id) });
    for (const [source, resourceType, rows] of [['ORGANIZATION_MEMBERSHIP', 'ORGANIZATION', orgs], ['SPACE_MEMBERSHIP', 'SPACE', spaces]] as const) {
      for (const m of rows) {
        const who = people.get(Number(m.user_id));
        if (!who) continue;
        out.push({ ...who, source, resource_type: resourceType, resource_id: Number(m.resource_id), resource_name: m.resource_name,
          role_id: Number(m.role_id), role_name: m.role_name, binding_id: null, ...provenance(m), expires_at: m.expires_at });
      }
    }
    for (const b of bindings) {
      const who = people.get(Number(b.user_id));
      if (!who) continue;
      const onSpace = b.resource_type === 'SPACE';
      out.push({ ...who, source: 'ROLE_BINDING', resource_type: b.resource_type, resource_id: Number(onSpace ? b.space_id : b.project_id),
        resource_name: (onSpace ? b.space_name : b.project_name) ?? '', role_id: Number(b.role_id), role_name: b.role_name, binding_id: Number(b.id),
        ...provenance(b), expires_at: b.expires_at });
    }
    return out;
  }

  /** A new open review with its frozen grants (in the order given); the digest and signature are set by `seal`. */
  async create(values: { name: string; createdBy: number; now: string; grants: readonly FrozenGrant[] }): Promise<number> {
    const { id } = await this.db.insertInto('access_reviews').values({
      account_id: this.accountId, name: values.name, status: 'open', created_at: values.now, created_by_user_id: values.createdBy,
      closed_at: null, closed_by_user_id: null, grant_count: values.grants.length, digest: '', signature: '', key_id: '',
    }).returning('id').executeTakeFirstOrThrow();
    const rows = values.grants.map((g) => ({
      ...g, review_id: id, account_id: this.accountId, decision: null, decided_by_user_id: null, decided_at: null, note: null, outcome: null,
    }));
    // Bounded statements: SQLite allows 32766 parameters, PostgreSQL 65535.
    for (let i = 0; i < rows.length; i += 500) await this.db.insertInto('access_review_grants').values(rows.slice(i, i + 500)).execute();
    return id;
  }

  async seal(id: number, values: { digest: string; signature: string; keyId: string }): Promise<void> {
    await this.db.updateTable('access_reviews').set({ digest: values.digest, signature: values.signature, key_id: values.keyId })
      .where('id', '=', id).where('account_id', '=', this.accountId).execute();
  }

  private reviews() {
    const decided = (decision: ReviewDecision) => sql<number>`(select count(*) from access_review_grants g where g.review_id = access_reviews.id and g.decision = ${decision})`;
    return this.db.selectFrom('access_reviews').selectAll().select([decided('keep').as('kept'), decided('revoke').as('revoked')])
      .where('account_id', '=', this.accountId);
  }

  async find(id: number): Promise<AccessReviewRow | undefined> {
    const row = await this.reviews().where('id', '=', id).executeTakeFirst();
    return row && { ...row, kept: Number(row.kept), revoked: Number(row.revoked) };
  }

  async list(options: { after?: number | undefined; limit: number }): Promise<AccessReviewRow[]> {
    let q = this.reviews();
    if (options.after !== undefined) q = q.where('id', '<', options.after);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((row) => ({ ...row, kept: Number(row.kept), revoked: Number(row.revoked) }));
  }

  /** Grants of a review by id after `after` (keyset), filtered by decision and principal when given. */
  grants(reviewId: number, options: { decision?: ReviewDecision | 'undecided' | undefined; userId?: number | undefined; after?: number | undefined; limit?: number | undefined } = {}): Promise<AccessReviewGrantRow[]> {
    let q = this.db.selectFrom('access_review_grants').selectAll().select(sourceProtocol('access_review_grants.provenance_idp_id')).where('review_id', '=', reviewId).where('account_id', '=', this.accountId);
    if (options.decision === 'undecided') q = q.where('decision', 'is', null);
    else if (options.decision !== undefined) q = q.where('decision', '=', options.decision);
    if (options.userId !== undefined) q = q.where('user_id', '=', options.userId);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    q = q.orderBy('id');
    return options.limit === undefined ? q.execute() : q.limit(options.limit).execute();
  }

  findGrant(reviewId: number, grantId: number): Promise<AccessReviewGrantRow | undefined> {
    return this.db.selectFrom('access_review_grants').selectAll().select(sourceProtocol('access_review_grants.provenance_idp_id')).where('id', '=', grantId).where('review_id', '=', reviewId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
  }

  /** Records a decision while the review is open; false when it is not (closed meanwhile). */
  async decide(reviewId: number, grantId: number, values: { decision: ReviewDecision; by: number; at: string; note: string | null; outcome: string }): Promise<boolean> {
    const result = await this.db.updateTable('access_review_grants')
      .set({ decision: values.decision, decided_by_user_id: values.by, decided_at: values.at, note: values.note, outcome: values.outcome })
      .where('id', '=', grantId).where('review_id', '=', reviewId).where('account_id', '=', this.accountId)
      .where((eb) => eb.exists(eb.selectFrom('access_reviews').select('id').where('id', '=', reviewId).where('status', '=', 'open')))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Closes an open review; false when it was not open. */
  async close(id: number, by: number, at: string): Promise<boolean> {
    const result = await this.db.updateTable('access_reviews').set({ status: 'closed', closed_at: at, closed_by_user_id: by })
      .where('id', '=', id).where('account_id', '=', this.accountId).where('status', '=', 'open').executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Emails of users of the account by id, deleted ones included (a decider may have left since). */
  async userEmails(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').select(['id', 'email']).where(unindexed('account_id'), '=', this.accountId).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [Number(r.id), r.email]));
  }

  /** A live user's account role now, or undefined when the user is gone. */
  async accountRole(userId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('users').select('role').where('account_id', '=', this.accountId).where('id', '=', userId)
      .where('deleted_at', 'is', null).executeTakeFirst();
    return row?.role;
  }
}
