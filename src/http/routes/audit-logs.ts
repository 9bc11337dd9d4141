import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { listAuditLogs, listAuthenticationFailures } from '../../services/audit-logs.js';
import { principalOf } from '../actor.js';
import { AuditLog, AuthenticationFailure, ListAuditLogsQuery, ListAuthenticationFailuresQuery } from '../../wire/audit-logs.js';
import { presentAuditLog, presentAuthenticationFailure } from '../presenters/audit-logs.js';
import { errorResponses, listResponse } from '../../wire/common.js';

export async function auditLogRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/audit-logs', {
    schema: {
      tags: ['audit-logs'],
      querystring: ListAuditLogsQuery,
      response: { 200: listResponse('logs', AuditLog), ...errorResponses },
    },
  }, async (request) => {
    const page = await listAuditLogs(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { logs: page.items.map(presentAuditLog), pagination: page.pagination };
  });

  // Ours, not Arize's: failed authentications have no user, which every /v2/audit-logs entry must have.
  app.get('/v2/audit-logs/authentication-failures', {
    schema: {
      tags: ['audit-logs'],
      summary: 'List failed authentications (account admins)',
      description: 'Refused sign-ins, API keys and sessions, counted per address, reason, operation and targeted user in '
        + '10-minute windows, newest first. Not part of Arize\'s API: /v2/audit-logs lists authenticated actions only.',
      querystring: ListAuthenticationFailuresQuery,
      response: { 200: listResponse('failures', AuthenticationFailure), ...errorResponses },
    },
  }, async (request) => {
    const page = await listAuthenticationFailures(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { failures: page.items.map(presentAuthenticationFailure), pagination: page.pagination };
  });
}
