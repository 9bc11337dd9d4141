import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrator.js';
import { AccessReviewRepository } from '../../src/store/repositories/access-reviews.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * A review's whole reads (its digest's, its export's, its diff's) go by ranges of 10,000 ids: over a review of more
 * than two ranges whose ids interleave with another review's, each must answer every grant of its review once, in id
 * order, and none of the other's.
 */
describe("a large review's grants read a range at a time", () => {
  let opened: TestStore | undefined;
  let reviews: AccessReviewRepository;
  const mine: number[] = [];
  let reviewId = 0;

  beforeAll(async () => {
    opened = await openTestStore('ax-review-pages-');
    const db = opened.store.db;
    await migrateToLatest(db);
    const now = new Date().toISOString();
    const account = (await db.insertInto('accounts').values({ name: 'pages', created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    reviews = new AccessReviewRepository(db, account);
    reviewId = await reviews.create({ name: 'large', createdBy: 1, now });
    const other = await reviews.create({ name: 'other', createdBy: 1, now });
    // 25,003 grants of the review, every seventh row between them another review's; then ids jump by 30,000.
    const rows = Array.from({ length: 29_170 }, (_, i) => ({
      review_id: i % 7 === 3 ? other : reviewId, account_id: account, principal_type: 'USER' as const, user_id: i, principal_name: `user ${i}`,
      principal_email: `u${i}@pages.example`, principal_status: 'ACTIVE', source: 'ACCOUNT_ROLE' as const, resource_type: 'ACCOUNT' as const,
      resource_id: account, resource_name: 'pages', role_id: null, role_name: 'MEMBER', binding_id: null, provenance: 'MANUAL' as const,
      provenance_idp_id: null, expires_at: null, decision: null, decided_by_user_id: null, decided_at: null, note: null, outcome: null,
    }));
    const last = rows.pop()!;
    for (let i = 0; i < rows.length; i += 500) {
      const inserted = await db.insertInto('access_review_grants').values(rows.slice(i, i + 500)).returning(['id', 'review_id']).execute();
      mine.push(...inserted.filter((r) => r.review_id === reviewId).map((r) => Number(r.id)));
    }
    const far = (await db.selectFrom('access_review_grants').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id! + 30_000;
    await db.insertInto('access_review_grants').values({ ...last, id: far, review_id: reviewId }).execute();
    mine.push(far);
  });
  afterAll(() => opened?.close());

  const ids = async (pages: AsyncIterable<{ id: number }[]>) => {
    const out: number[] = [];
    for await (const page of pages) out.push(...page.map((g) => Number(g.id)));
    return out;
  };

  it('answers each grant of the review once, in id order, by each of its whole reads', async () => {
    expect(mine.length).toBeGreaterThan(25_000);
    expect(await ids(reviews.signedGrants(reviewId))).toEqual(mine);
    expect(await ids(reviews.allGrants(reviewId))).toEqual(mine);
    expect(await ids(reviews.grantIdentities(reviewId))).toEqual(mine);
  });

  it('answers nothing for a review without grants', async () => {
    const empty = await reviews.create({ name: 'empty', createdBy: 1, now: new Date().toISOString() });
    expect(await ids(reviews.signedGrants(empty))).toEqual([]);
  });
});
