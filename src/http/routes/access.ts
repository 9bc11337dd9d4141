import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import { checkAccess, listPrincipals } from '../../services/access-queries.js';
import { principalOf } from '../actor.js';
import { AccessCheckResult, AccessPrincipals, presentPrincipal, presentReason } from '../schemas/access.js';
import { errorResponses, Id, PermissionNameInput } from '../schemas/common.js';

const tags = ['access'];

/** Access decisions and who holds access, with the grants behind them (beyond Arize's surface). */
export async function accessRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v2/access/check', {
    schema: {
      tags,
      body: Type.Object({ user_id: Id, permission: PermissionNameInput, resource_id: Id }, { additionalProperties: false }),
      response: { 200: AccessCheckResult, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { allowed, reasons } = await checkAccess(ctx, principal, request.body);
    return { allowed, reasons: reasons.map((r) => presentReason(r, principal.accountId)) };
  });

  app.get('/v2/access/principals', {
    schema: {
      tags,
      querystring: Type.Object({ resource_id: Id }, { additionalProperties: false }),
      response: { 200: AccessPrincipals, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const principals = await listPrincipals(ctx, principal, request.query.resource_id);
    return { principals: principals.map((p) => presentPrincipal(p, principal.accountId)) };
  });
}
