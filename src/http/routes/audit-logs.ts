import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { listAuditLogs, listAuthenticationFailures } from '../../services/audit-logs.js';
import { archiveAuditLogs, createAuditCheckpoint, verifyAuditChain } from '../../services/audit-chain.js';
import { principalOf } from '../actor.js';
import {
  AuditArchiveResult, AuditChainVerification, AuditCheckpoint, AuditLog, AuthenticationFailure, ListAuditLogsQuery, ListAuthenticationFailuresQuery, VerifyAuditLogsQuery,
} from '../../wire/audit-logs.js';
import { presentAuditCheckpoint, presentAuditLog, presentAuthenticationFailure, presentChainVerification } from '../presenters/audit-logs.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import { traceServices } from '../tracing/service-tracing.js';

const auditLogsService = traceServices('audit-logs', { listAuditLogs, listAuthenticationFailures });
const auditChainService = traceServices('audit-chain', { archiveAuditLogs, createAuditCheckpoint, verifyAuditChain });
export async function auditLogRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/audit-logs', {
    schema: {
      tags: ['audit-logs'],
      querystring: ListAuditLogsQuery,
      response: { 200: listResponse('logs', AuditLog), ...errorResponses },
    },
  }, async (request) => {
    const page = await auditLogsService.listAuditLogs(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
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
    const page = await auditLogsService.listAuthenticationFailures(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { failures: page.items.map(presentAuthenticationFailure), pagination: page.pagination };
  });

  // Ours, not Arize's: the tamper-evident chain (docs/audit.md).
  app.get('/v2/audit-logs/verify', {
    schema: {
      tags: ['audit-logs'],
      summary: 'Verify the audit chain (account admins)',
      description: 'Recomputes the account\'s audit chain and checks its signed checkpoints; names the first entry where it does not hold '
        + '(changed, deleted, inserted or reordered entries, a cut-off end). With from_checkpoint=true the entries up to the newest valid '
        + 'checkpoint are trusted, not re-read.',
      querystring: VerifyAuditLogsQuery,
      response: { 200: AuditChainVerification, ...errorResponses },
    },
  }, async (request) => presentChainVerification(await auditChainService.verifyAuditChain(ctx, principalOf(request), { fromCheckpoint: request.query.from_checkpoint ?? false })));

  app.post('/v2/audit-logs/checkpoints', {
    schema: {
      tags: ['audit-logs'],
      summary: 'Sign the audit chain now (account admins)',
      description: 'Signs the chain\'s current end with the server\'s audit key (the server also does it every AX_AUDIT_CHECKPOINT_INTERVAL '
        + 'minutes); 204 when the account has no entry yet.',
      response: { 201: AuditCheckpoint, 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const checkpoint = await auditChainService.createAuditCheckpoint(ctx, principalOf(request));
    if (!checkpoint) return reply.code(204).send(null);
    return reply.code(201).send(presentAuditCheckpoint(checkpoint));
  });

  app.post('/v2/audit-logs/archive', {
    schema: {
      tags: ['audit-logs'],
      summary: 'Archive the entries older than the retention now (account admins)',
      description: 'Entries older than AX_AUDIT_RETENTION_DAYS are checked against the chain, written to a JSONL file with their chain '
        + 'proof under AX_AUDIT_ARCHIVE_DIR, and removed from the database with a signed marker (the server also does it every '
        + 'AX_AUDIT_CHECKPOINT_INTERVAL minutes). 422 when no retention is configured or the chain is broken.',
      response: { 200: AuditArchiveResult, ...errorResponses },
    },
  }, async (request) => {
    const result = await auditChainService.archiveAuditLogs(ctx, principalOf(request));
    return { archived_through_seq: result.archivedThroughSeq, entries_archived: result.entriesArchived, ...(result.file ? { file: result.file } : {}) };
  });
}
