import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { encodeId } from '../../domain/ids.js';
import { checkScannerSignature, handleLeakedTokens } from '../../services/secret-scanning.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { principalOf } from '../actor.js';
import { errorResponses } from '../../wire/common.js';
import { FoundTokens, LeakFeedback, LeakReport, ReportLeak } from '../../wire/secret-scanning.js';
import { traceServices } from '../tracing/service-tracing.js';

const secretScanningService = traceServices('secret-scanning', { checkScannerSignature, handleLeakedTokens });
const tags = ['api-keys'];
const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

export async function secretScanningRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  // The scanner's endpoint: no API key, the body's ECDSA signature instead, checked on the exact bytes before parsing.
  await fastify.register(async (scope) => {
    const parse = scope.getDefaultJsonParser('error', 'error');
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      try {
        secretScanningService.checkScannerSignature(ctx, header(request, 'github-public-key-identifier'), header(request, 'github-public-key-signature'), body as Buffer);
      } catch (error) {
        done(error as ApiError, undefined);
        return;
      }
      parse(request, (body as Buffer).toString('utf8'), done);
    });
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    // Outside /v2 and the OpenAPI document: GitHub's partner program calls it, no API client does (docs/audit.md).
    app.post('/secret-scanning/github', {
      config: { public: true },
      schema: {
        hide: true,
        tags,
        summary: 'Report tokens found in public (GitHub secret scanning partner program)',
        description: 'Signed by the scanner: Github-Public-Key-Identifier names one of the keys of AX_SECRET_SCANNING_KEYS, '
          + 'Github-Public-Key-Signature is the base64 ECDSA (P-256, SHA-256) signature of the body. Every API key of this server among '
          + 'the tokens is revoked at once and its owner and the account admins are mailed; the answer says, per token, whether it was '
          + 'a key of ours and live. 404 when no scanner key is configured.',
        body: FoundTokens,
        response: { 200: LeakFeedback, ...errorResponses },
      },
    }, async (request) => {
      const outcomes = await secretScanningService.handleLeakedTokens(ctx, { name: 'GitHub secret scanning', ip: request.ip, operation: 'POST /secret-scanning/github' }, request.body);
      return outcomes.map((o) => ({ token_hash: o.tokenHash, token_type: o.tokenType, label: o.label, live: o.live, revoked: o.revoked }));
    });
  });

  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/v2/api-keys/leaks', {
    schema: {
      tags,
      summary: 'Report an API key found exposed',
      description: 'Whoever holds a key may report it: a key of this server is revoked at once (whichever account holds it) and its '
        + 'owner and the account admins are mailed. The answer says whether it was a key of ours and live; the token is never echoed.',
      body: ReportLeak,
      response: { 200: LeakReport, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const [outcome] = await secretScanningService.handleLeakedTokens(ctx, { name: `${principal.name} (${principal.email})`, ip: request.ip, operation: 'POST /v2/api-keys/leaks', principal }, [
      { token: request.body.token, type: 'ax_api_key', url: request.body.url, source: request.body.source },
    ]);
    const o = outcome!;
    return {
      token_hash: o.tokenHash, label: o.label, live: o.live, revoked: o.revoked,
      ...(o.apiKeyId !== undefined ? { api_key_id: encodeId('ApiKey', o.apiKeyId) } : {}),
    };
  });
}
