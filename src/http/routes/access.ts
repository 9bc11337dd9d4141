import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { checkAccessBatch, checkAccessWithSources, grantableRoles, listPrincipals } from '../../services/access.js';
import { principalOf } from '../actor.js';
import {
  AccessCheckRequest, AccessCheckResult, AccessChecksRequest, AccessChecksResult, AccessPrincipals, GrantableRoles, ResourceQuery,
} from '../../wire/access.js';
import { presentPrincipal, presentReason, presentRefusal } from '../presenters/access.js';
import { errorResponses } from '../../wire/common.js';
import { traceServices } from '../tracing/service-tracing.js';

const accessService = traceServices('access', { checkAccessBatch, checkAccessWithSources, grantableRoles, listPrincipals });
const tags = ['access'];

/** Access decisions, who holds access and what the caller may grant, with the grants behind them (beyond Arize's surface). */
export async function accessRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v2/access/check', {
    config: { reads: true },
    schema: { tags, body: AccessCheckRequest, response: { 200: AccessCheckResult, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const { allowed, reasons, sources } = await accessService.checkAccessWithSources(ctx, principal, request.body);
    return { allowed, reasons: reasons.map((r, i) => presentReason(r, principal.accountId, sources[i])) };
  });

  app.post('/v2/access/checks', {
    config: { reads: true },
    schema: { tags, body: AccessChecksRequest, response: { 200: AccessChecksResult, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const answers = await accessService.checkAccessBatch(ctx, principal, request.body.checks);
    return {
      results: answers.map((answer) => answer.ok
        ? { allowed: answer.explanation.allowed, reasons: answer.explanation.reasons.map((r, i) => presentReason(r, principal.accountId, answer.explanation.sources[i])) }
        : { allowed: false, reasons: [], problem: presentRefusal(answer.error) }),
    };
  });

  app.get('/v2/access/grantable-roles', {
    schema: { tags, querystring: ResourceQuery, response: { 200: GrantableRoles, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const grantable = await accessService.grantableRoles(ctx, principal, request.query.resource_id);
    return { resource_id: request.query.resource_id, roles: grantable.roles, account_roles: grantable.accountRoles };
  });

  app.get('/v2/access/principals', {
    schema: { tags, querystring: ResourceQuery, response: { 200: AccessPrincipals, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const principals = await accessService.listPrincipals(ctx, principal, request.query.resource_id);
    return { principals: principals.map((p) => presentPrincipal(p, principal.accountId)) };
  });
}
