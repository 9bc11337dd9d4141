import type { FastifyInstance } from 'fastify';
import { encodeId } from '../../domain/ids.js';
import { describeMe } from '../../services/me.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { principalOf } from '../actor.js';
import { errorResponses } from '../../wire/common.js';
import { Me } from '../../wire/me.js';
import { presentUser } from '../presenters/users.js';
import { traceServices } from '../tracing/service-tracing.js';

const meService = traceServices('me', { describeMe });
/** `GET /v2/me`: the authenticated principal (user or bot), its account role and account-level permissions. */
export async function meRoutes(app: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  app.get('/v2/me', { schema: { tags: ['me'], response: { 200: Me, ...errorResponses } } }, async (request) => {
    const principal = principalOf(request);
    const { user: row, accountPermissions } = await meService.describeMe(ctx, principal);
    return {
      ...presentUser(row),
      is_bot: row.is_bot === 1,
      account_id: encodeId('Account', row.account_id),
      auth: principal.sessionId ? 'SESSION' as const : principal.oauthGrantId !== undefined ? 'OAUTH' as const : 'API_KEY' as const,
      ...(principal.isBot ? { key_type: 'SERVICE' as const } : principal.apiKeyId ? { key_type: 'USER' as const } : {}),
      permissions: { account: accountPermissions },
    };
  });
}
