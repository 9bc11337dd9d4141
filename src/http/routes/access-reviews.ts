import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ACCESS_REVIEW_CSV_HEADER, type AccessReviewCsvRow, accessReviewCsvLines } from '../../domain/access-review-csv.js';
import * as accessReviewsService from '../../services/access-reviews/index.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  AccessReview, AccessReviewDiff, AccessReviewDiffQuery, AccessReviewExport, AccessReviewGrant, AccessReviewGrantParams, AccessReviewParams,
  AccessReviewVerification, CreateAccessReviewBody, DecideBody, DecisionAnswer, ListAccessReviewGrantsQuery, ListAccessReviewsQuery,
} from '../../wire/access-reviews.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import { actorOf, principalOf } from '../actor.js';
import { presentAccessReview, presentReviewGrant } from '../presenters/access-reviews.js';
import { traceServices } from '../tracing/service-tracing.js';

const service = traceServices('access-reviews', accessReviewsService);
const tags = ['access-reviews'];

/** `{"review": …, "grants": [ … ]}`, the grants' pages written as they come. */
async function* jsonExport(review: unknown, pages: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  yield `{"review":${JSON.stringify(review)},"grants":[`;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const text = page.map((g) => JSON.stringify(g)).join(',');
    yield first ? text : `,${text}`;
    first = false;
  }
  yield ']}';
}

async function* csvExport(pages: AsyncIterable<AccessReviewCsvRow[]>): AsyncGenerator<string> {
  yield ACCESS_REVIEW_CSV_HEADER;
  for await (const page of pages) yield accessReviewCsvLines(page);
}

/** Access reviews (docs/access-reviews.md): account admins only. */
export async function accessReviewRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v2/access-reviews', {
    schema: { tags, description: 'Takes a signed snapshot of every grant of every user and service key.', body: CreateAccessReviewBody, response: { 201: AccessReview, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(presentAccessReview(await service.createAccessReview(ctx, actorOf(request), request.body))));

  app.get('/v2/access-reviews', {
    schema: { tags, querystring: ListAccessReviewsQuery, response: { 200: listResponse('access_reviews', AccessReview), ...errorResponses } },
  }, async (request) => {
    const page = await service.listAccessReviews(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { access_reviews: page.items.map(presentAccessReview), pagination: page.pagination };
  });

  app.get('/v2/access-reviews/:review_id', {
    schema: { tags, params: AccessReviewParams, response: { 200: AccessReview, ...errorResponses } },
  }, async (request) => presentAccessReview(await service.getAccessReview(ctx, principalOf(request), request.params.review_id)));

  app.get('/v2/access-reviews/:review_id/grants', {
    schema: { tags, params: AccessReviewParams, querystring: ListAccessReviewGrantsQuery, response: { 200: listResponse('grants', AccessReviewGrant), ...errorResponses } },
  }, async (request) => {
    const page = await service.listReviewGrants(ctx, principalOf(request), request.params.review_id, { ...request.query, limit: request.query.limit ?? 50 });
    return { grants: page.items.map(presentReviewGrant), pagination: page.pagination };
  });

  app.get('/v2/access-reviews/:review_id/diff', {
    schema: { tags, description: 'Grants added and removed since the review named by `against`.', params: AccessReviewParams, querystring: AccessReviewDiffQuery, response: { 200: AccessReviewDiff, ...errorResponses } },
  }, async (request) => {
    const diff = await service.diffAccessReviews(ctx, principalOf(request), request.params.review_id, request.query.against);
    return {
      review_id: presentAccessReview(diff.review).id, against: presentAccessReview(diff.against).id,
      added: diff.added.map(presentReviewGrant), removed: diff.removed.map(presentReviewGrant),
    };
  });

  app.get('/v2/access-reviews/:review_id/verify', {
    schema: { tags, description: 'Recomputes the digest from the frozen rows and checks the signature.', params: AccessReviewParams, response: { 200: AccessReviewVerification, ...errorResponses } },
  }, async (request) => service.verifyAccessReview(ctx, principalOf(request), request.params.review_id));

  app.get('/v2/access-reviews/:review_id/export', {
    schema: {
      tags,
      description: 'Every grant with its decision, decider and time: CSV, or JSON when Accept asks for application/json.',
      params: AccessReviewParams,
      response: { 200: { content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: AccessReviewExport } } }, ...errorResponses },
    },
  }, async (request, reply) => {
    const { review, pages } = await service.exportAccessReview(ctx, principalOf(request), request.params.review_id);
    async function* rows() {
      for await (const { grants, deciders } of pages) {
        yield grants.map((g) => {
          const email = g.decided_by_user_id === null ? undefined : deciders.get(Number(g.decided_by_user_id));
          return { ...presentReviewGrant(g), ...(email === undefined ? {} : { decided_by_email: email }) };
        });
      }
    }
    reply.header('cache-control', 'no-store').header('vary', 'accept');
    const accept = request.headers.accept ?? '';
    // Written as the grants are read, a page at a time (a review of 130k grants is ~25 MB of CSV).
    // The type provider types send() by the response schema, which describes the text a stream writes.
    if (accept.includes('json') && !accept.includes('csv')) return reply.type('application/json; charset=utf-8').send(Readable.from(jsonExport(presentAccessReview(review), rows())) as never);
    const file = `access-review-${review.id}.csv`;
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).send(Readable.from(csvExport(rows())) as never);
  });

  app.put('/v2/access-reviews/:review_id/grants/:grant_id/decision', {
    schema: { tags, description: 'Keep or revoke a grant; revoking takes it away at once.', params: AccessReviewGrantParams, body: DecideBody, response: { 200: DecisionAnswer, ...errorResponses } },
  }, async (request) => {
    const result = await service.decideReviewGrant(ctx, actorOf(request), request.params.review_id, request.params.grant_id, request.body);
    return { ...result, grant: presentReviewGrant(result.grant) };
  });

  app.post('/v2/access-reviews/:review_id/close', {
    schema: { tags, params: AccessReviewParams, response: { 200: AccessReview, ...errorResponses } },
  }, async (request) => presentAccessReview(await service.closeAccessReview(ctx, actorOf(request), request.params.review_id)));
}
