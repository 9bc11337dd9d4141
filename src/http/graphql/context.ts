import type { FastifyReply } from 'fastify';
import type { Principal } from '../../domain/principal.js';
import type { Actor } from '../../services/mutation.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { RoleRow } from '../../store/schema.js';
import { redactedBody } from '../actor.js';

/** What every resolver and loader of one `/graphql` request is given. */
export interface GraphqlContext {
  deps: ServiceDeps;
  principal: Principal;
  ip: string;
  requestId: string;
  /** The document as sent (the audit row's `operation_text`). */
  source: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  /** The account's roles by row id, read once per request when a membership's role is asked for. */
  roles?: Promise<Map<number, RoleRow>>;
  /** Added by mercurius. */
  reply?: FastifyReply;
}

/**
 * The Actor a REST route would build, for one mutation field: the operation is the GraphQL operation name
 * (`graphql:<field>` for an anonymous one), the text the document, the variables with secrets redacted.
 */
export function actorFor(context: GraphqlContext, field: string): Actor {
  return {
    principal: context.principal,
    ip: context.ip,
    operation: context.operationName ?? `graphql:${field}`,
    text: context.source,
    variables: redactedBody(context.variables),
  };
}
