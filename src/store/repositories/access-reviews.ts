import { type Kysely, type Selectable, sql } from 'kysely';
import { sourceProtocol } from '../grant-provenance.js';
import { idSlices } from '../id-slices.js';
import type { AccessReviewGrantsTable, AccessReviewsTable, Database, IdentityProtocol } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

export type AccessReviewRow = Selectable<AccessReviewsTable> & { kept: number; revoked: number };
/** A frozen grant as read, with the protocol of the identity provider that wrote it (null when MANUAL). */
export type AccessReviewGrantRow = Selectable<AccessReviewGrantsTable> & { source_idp_protocol: IdentityProtocol | null };
/** A grant as a review freezes it (everything a signature covers), before it has an id. */
export type FrozenGrant = Omit<Selectable<AccessReviewGrantsTable>, 'id' | 'review_id' | 'account_id' | 'decision' | 'decided_by_user_id' | 'decided_at' | 'note' | 'outcome'>;
export type ReviewDecision = 'keep' | 'revoke';

/** The columns a review freezes, in the order of its signed encoding (services/access-reviews/seal.ts). */
const FROZEN_COLUMNS = [
  'principal_type', 'user_id', 'principal_name', 'principal_email', 'principal_status', 'source', 'resource_type', 'resource_id', 'resource_name',
  'role_id', 'role_name', 'binding_id', 'provenance', 'provenance_idp_id', 'expires_at',
] as const satisfies readonly (keyof FrozenGrant)[];
/** Grants a review reads whole are read by ranges of this many ids. */
const PAGE = 10_000;

/** Who holds a grant, how, where and with which role: two frozen grants with the same are the same grant. */
export type GrantIdentity = Pick<FrozenGrant, 'user_id' | 'source' | 'resource_type' | 'resource_id' | 'role_name' | 'role_id'>;
/** A frozen grant with its id: what a review's digest covers. */
export type SignedGrant = FrozenGrant & { id: number };

/** A null of integer type: PostgreSQL types a UNION's column from its branches, and untyped nulls in the first ones make it text. */
const noId = sql<number | null>`cast(null as integer)`;
/** `SSO:<idp id>` / `SCIM:<idp id>` of users.role_source: who wrote an account role (MANUAL when an admin did: null). */
const roleSourceProtocol = sql<FrozenGrant['provenance']>`case when substr(u.role_source, 1, 4) = 'SSO:' then 'SSO' when substr(u.role_source, 1, 5) = 'SCIM:' then 'SCIM' else 'MANUAL' end`;
const roleSourceIdp = sql<number | null>`case when substr(u.role_source, 1, 4) = 'SSO:' then cast(substr(u.role_source, 5) as integer) when substr(u.role_source, 1, 5) = 'SCIM:' then cast(substr(u.role_source, 6) as integer) end`;

const roleName = sql<string>`coalesce(roles.predefined_key, roles.name)`;

/** One account's access reviews and their frozen grants: every query is filtered by the account. */
export class AccessReviewRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** A new open review without grants yet: `freezeGrants` adds them, `seal` their count, digest and signature. */
  async create(values: { name: string; createdBy: number; now: string }): Promise<number> {
    const { id } = await this.db.insertInto('access_reviews').values({
      account_id: this.accountId, name: values.name, status: 'open', created_at: values.now, created_by_user_id: values.createdBy,
      closed_at: null, closed_by_user_id: null, grant_count: 0, digest: '', signature: '', key_id: '',
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  /**
   * Freezes into the review every grant of every live user and service key (bot) of the account as it stands — the
   * account role, each organization and space membership and each role binding, with the names of principals,
   * resources and roles — in one `INSERT … SELECT`, so ids follow the order: by principal, outermost first (account
   * role, organization, space, then bindings on spaces before projects), then resource and binding id. The rows never
   * pass through the server: on an account of 10k users and 128k grants, building them as objects, sorting and
   * inserting them took 5–6 s.
   */
  async freezeGrants(reviewId: number): Promise<void> {
    const a = this.accountId;
    const principal = [
      sql<FrozenGrant['principal_type']>`case when u.is_bot = 1 then 'SERVICE_KEY' else 'USER' end`.as('principal_type'),
      'u.id as user_id', 'u.name as principal_name', 'u.email as principal_email',
      sql<string>`case when u.deactivated_at is not null then 'DEACTIVATED' else u.status end`.as('principal_status'),
    ] as const;
    const users = this.db.selectFrom('users as u').where('u.account_id', '=', a).where('u.deleted_at', 'is', null);
    const accountRoles = users.innerJoin('accounts as acc', 'acc.id', 'u.account_id').select([
      ...principal, sql.lit('ACCOUNT_ROLE').$castTo<FrozenGrant['source']>().as('source'), sql.lit('ACCOUNT').$castTo<FrozenGrant['resource_type']>().as('resource_type'),
      'acc.id as resource_id', 'acc.name as resource_name', noId.as('role_id'), sql<string>`u.role`.as('role_name'),
      noId.as('binding_id'), roleSourceProtocol.as('provenance'), roleSourceIdp.as('provenance_idp_id'),
      sql<string | null>`cast(null as text)`.as('expires_at'), sql.lit(0).$castTo<number>().as('rank'),
    ]);
    // An organization's and a space's memberships alike: the membership as `m`, its resource as `r`.
    const membership = (source: FrozenGrant['source'], resourceType: FrozenGrant['resource_type'], rank: number) => [
      ...principal, sql.lit(source).$castTo<FrozenGrant['source']>().as('source'), sql.lit(resourceType).$castTo<FrozenGrant['resource_type']>().as('resource_type'),
      sql<number>`r.id`.as('resource_id'), sql<string>`r.name`.as('resource_name'), sql<number | null>`m.role_id`.as('role_id'), roleName.as('role_name'),
      noId.as('binding_id'), sql<FrozenGrant['provenance']>`m.source`.as('provenance'), sql<number | null>`m.source_idp_id`.as('provenance_idp_id'),
      sql<string | null>`m.expires_at`.as('expires_at'), sql.lit(rank).$castTo<number>().as('rank'),
    ] as const;
    const organizations = users.innerJoin('organization_memberships as m', 'm.user_id', 'u.id').innerJoin('organizations as r', 'r.id', 'm.organization_id')
      .innerJoin('roles', 'roles.id', 'm.role_id').where('m.account_id', '=', a).select(membership('ORGANIZATION_MEMBERSHIP', 'ORGANIZATION', 1));
    const spaces = users.innerJoin('space_memberships as m', 'm.user_id', 'u.id').innerJoin('spaces as r', 'r.id', 'm.space_id')
      .innerJoin('roles', 'roles.id', 'm.role_id').where('m.account_id', '=', a).select(membership('SPACE_MEMBERSHIP', 'SPACE', 2));
    const bindings = users.innerJoin('role_bindings as b', 'b.user_id', 'u.id').innerJoin('roles', 'roles.id', 'b.role_id')
      .leftJoin('spaces as s', 's.id', 'b.space_id').leftJoin('projects as p', 'p.id', 'b.project_id').where('b.account_id', '=', a).select([
        ...principal, sql.lit('ROLE_BINDING').$castTo<FrozenGrant['source']>().as('source'), sql<FrozenGrant['resource_type']>`b.resource_type`.as('resource_type'),
        sql<number>`case when b.resource_type = 'SPACE' then b.space_id else b.project_id end`.as('resource_id'),
        sql<string>`coalesce(case when b.resource_type = 'SPACE' then s.name else p.name end, '')`.as('resource_name'),
        sql<number | null>`b.role_id`.as('role_id'), roleName.as('role_name'), sql<number | null>`b.id`.as('binding_id'),
        sql<FrozenGrant['provenance']>`b.source`.as('provenance'), sql<number | null>`b.source_idp_id`.as('provenance_idp_id'), 'b.expires_at',
        sql<number>`case when b.resource_type = 'SPACE' then 3 else 4 end`.as('rank'),
      ]);
    const grants = accountRoles.unionAll(organizations).unionAll(spaces).unionAll(bindings).as('g');
    await this.db.insertInto('access_review_grants').columns(['review_id', 'account_id', ...FROZEN_COLUMNS])
      .expression((eb) => eb.selectFrom(grants).select([sql.lit(reviewId).as('review_id'), sql.lit(a).as('account_id'), ...FROZEN_COLUMNS.map((c) => `g.${c}` as const)])
        .orderBy('g.user_id').orderBy('g.rank').orderBy('g.resource_id').orderBy('g.binding_id'))
      .execute();
  }

  /**
   * A review's frozen grants in id order, the signed columns only, a page at a time: what its digest covers, read
   * without holding every grant of a large account at once.
   */
  signedGrants(reviewId: number): AsyncGenerator<SignedGrant[]> {
    return this.pagesById(reviewId, (after, through) => this.inRange(reviewId, after, through).select(['id', ...FROZEN_COLUMNS]).execute());
  }

  /** A review's grants in id order as `grants` reads them, a page at a time (exports). */
  allGrants(reviewId: number): AsyncGenerator<AccessReviewGrantRow[]> {
    return this.pagesById(reviewId, (after, through) => this.grants(reviewId, { after, through }));
  }

  /** What makes each grant of a review the grant it is (`GrantIdentity`), with its id, in id order a page at a time (diffs). */
  grantIdentities(reviewId: number): AsyncGenerator<(GrantIdentity & { id: number })[]> {
    return this.pagesById(reviewId, (after, through) => this.inRange(reviewId, after, through)
      .select(['id', 'user_id', 'source', 'resource_type', 'resource_id', 'role_name', 'role_id']).execute());
  }

  /** A review's grants with after < id ≤ through, in id order, before their columns are chosen. */
  private inRange(reviewId: number, after: number, through: number) {
    return this.db.selectFrom('access_review_grants').where('review_id', '=', reviewId).where('account_id', '=', this.accountId)
      .where('id', '>', after).where('id', '<=', through).orderBy('id');
  }

  /**
   * A review's grants read by ranges of PAGE ids, `read(after, through)` answering those with after < id ≤ through.
   * Ranges, not LIMIT: right after a review is taken PostgreSQL has no statistics of its rows yet, and planned each
   * `id > after … ORDER BY id LIMIT n` as a scan of every remaining grant of the review and a sort.
   */
  private async *pagesById<R>(reviewId: number, read: (after: number, through: number) => Promise<R[]>): AsyncGenerator<R[]> {
    const { first, last } = await this.db.selectFrom('access_review_grants').select((eb) => [eb.fn.min('id').as('first'), eb.fn.max('id').as('last')])
      .where('review_id', '=', reviewId).where('account_id', '=', this.accountId).executeTakeFirstOrThrow();
    if (first === null || last === null) return;
    for (let after = Number(first) - 1; after < Number(last); after += PAGE) {
      const page = await read(after, Math.min(after + PAGE, Number(last)));
      if (page.length > 0) yield page;
    }
  }

  /** Grants of a review by id (`ids` in ascending order), in id order. */
  async grantsById(reviewId: number, ids: readonly number[]): Promise<AccessReviewGrantRow[]> {
    const out: AccessReviewGrantRow[] = [];
    for (const slice of idSlices(ids)) {
      out.push(...await this.db.selectFrom('access_review_grants').selectAll().select(sourceProtocol('access_review_grants.provenance_idp_id'))
        .where('review_id', '=', reviewId).where('account_id', '=', this.accountId).where('id', 'in', slice).orderBy('id').execute());
    }
    return out;
  }

  async seal(id: number, values: { grantCount: number; digest: string; signature: string; keyId: string }): Promise<void> {
    await this.db.updateTable('access_reviews').set({ grant_count: values.grantCount, digest: values.digest, signature: values.signature, key_id: values.keyId })
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

  /** Grants of a review by id after `after` (keyset) and up to `through`, filtered by decision and principal when given. */
  grants(reviewId: number, options: { decision?: ReviewDecision | 'undecided' | undefined; userId?: number | undefined; after?: number | undefined; through?: number | undefined; limit?: number | undefined } = {}): Promise<AccessReviewGrantRow[]> {
    let q = this.db.selectFrom('access_review_grants').selectAll().select(sourceProtocol('access_review_grants.provenance_idp_id')).where('review_id', '=', reviewId).where('account_id', '=', this.accountId);
    if (options.decision === 'undecided') q = q.where('decision', 'is', null);
    else if (options.decision !== undefined) q = q.where('decision', '=', options.decision);
    if (options.userId !== undefined) q = q.where('user_id', '=', options.userId);
    if (options.after !== undefined) q = q.where('id', '>', options.after);
    if (options.through !== undefined) q = q.where('id', '<=', options.through);
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
