import { ScimError } from '../../domain/scim-error.js';
import type { AuthenticationAttempt } from '../authentication.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ScimCaller } from './scim-caller.js';

/** Placeholder until its owner lands it. */
export async function authenticateScimToken(_ctx: ServiceDeps, _attempt: AuthenticationAttempt, _bearer: string | undefined): Promise<ScimCaller> {
  throw new ScimError(401, 'a SCIM token is required');
}
