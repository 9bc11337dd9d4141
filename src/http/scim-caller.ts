import type { FastifyRequest } from 'fastify';
import { ScimError } from '../domain/scim-error.js';
import type { ScimCaller } from '../services/scim/scim-caller.js';

/** The directory a `/scim/v2` request comes from (set by the SCIM scope's authentication, plugins/scim.ts). */
export function scimCallerOf(request: FastifyRequest): ScimCaller {
  if (!request.scimCaller) throw new ScimError(401, 'a SCIM token is required');
  return request.scimCaller;
}
