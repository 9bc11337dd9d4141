import { paginate } from '../pagination.js';
import { type HttpTransport, segment } from '../http-transport.js';
import type {
  AccessReview, AccessReviewDecision, AccessReviewDecisionAnswer, AccessReviewDiff, AccessReviewExport, AccessReviewGrant, AccessReviewGrantList,
  AccessReviewGrantListParams, AccessReviewList, AccessReviewVerification, PageParams,
} from '../types.js';

/** `/v2/access-reviews` (not part of Arize's API; account admins): signed snapshots of who can do what, and decisions on them. */
export class AccessReviewsResource {
  constructor(private readonly http: HttpTransport) {}

  async create(body: { name: string }): Promise<AccessReview> {
    return (await this.http.request<AccessReview>({ method: 'POST', path: '/v2/access-reviews', body })).body;
  }

  /** One page of reviews, newest first. */
  async list(params: PageParams = {}): Promise<AccessReviewList> {
    return (await this.http.request<AccessReviewList>({ method: 'GET', path: '/v2/access-reviews', query: { ...params } })).body;
  }

  async get(reviewId: string): Promise<AccessReview> {
    return (await this.http.request<AccessReview>({ method: 'GET', path: `/v2/access-reviews/${segment(reviewId)}` })).body;
  }

  /** One page of a review's frozen grants, principal by principal. */
  async listGrants(reviewId: string, params: AccessReviewGrantListParams = {}): Promise<AccessReviewGrantList> {
    return (await this.http.request<AccessReviewGrantList>({ method: 'GET', path: `/v2/access-reviews/${segment(reviewId)}/grants`, query: { ...params } })).body;
  }

  iterateGrants(reviewId: string, params: Omit<AccessReviewGrantListParams, 'cursor'> = {}): AsyncGenerator<AccessReviewGrant, void, undefined> {
    return paginate((cursor) => this.listGrants(reviewId, { limit: 100, ...params, cursor }), (page) => page.grants);
  }

  /** The grants added in `reviewId` since `against`, and those removed. */
  async diff(reviewId: string, against: string): Promise<AccessReviewDiff> {
    return (await this.http.request<AccessReviewDiff>({ method: 'GET', path: `/v2/access-reviews/${segment(reviewId)}/diff`, query: { against } })).body;
  }

  /** Every grant with its decision and decider (the CSV export's rows, as JSON). */
  async export(reviewId: string): Promise<AccessReviewExport> {
    return (await this.http.request<AccessReviewExport>({ method: 'GET', path: `/v2/access-reviews/${segment(reviewId)}/export` })).body;
  }

  /** Recomputes the review's digest from its frozen rows and checks its signature. */
  async verify(reviewId: string): Promise<AccessReviewVerification> {
    return (await this.http.request<AccessReviewVerification>({ method: 'GET', path: `/v2/access-reviews/${segment(reviewId)}/verify` })).body;
  }

  /** Keep or revoke a grant; revoking takes it away at once. */
  async decide(reviewId: string, grantId: string, body: AccessReviewDecision): Promise<AccessReviewDecisionAnswer> {
    return (await this.http.request<AccessReviewDecisionAnswer>({
      method: 'PUT', path: `/v2/access-reviews/${segment(reviewId)}/grants/${segment(grantId)}/decision`, body,
    })).body;
  }

  async close(reviewId: string): Promise<AccessReview> {
    return (await this.http.request<AccessReview>({ method: 'POST', path: `/v2/access-reviews/${segment(reviewId)}/close` })).body;
  }
}
