import type { FastifyReply } from 'fastify';
import type { GraphQLResolveInfo } from 'graphql';
import type { Principal } from '../../domain/principal.js';
import type { Actor } from '../../services/mutation.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { RoleRow } from '../../store/schema.js';
import { redactedBody } from '../actor.js';
import type { PendingBatch } from './batched-fields.js';
import type { GqlSpace } from './presenters.js';

/** What every resolver and loader of one `/graphql` request is given. */
export interface GraphqlContext {
  deps: ServiceDeps;
  principal: Principal;
  ip: string;
  requestId: string;
  /** The document as sent (the audit row's `operation_text`). */
  source: string;
  /** The operation of the document to run, when the request names one. */
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** The account's roles by row id, read once per request when a membership's role is asked for. */
  roles?: Promise<Map<number, RoleRow>>;
  /**
   * The spaces this request has already been answered by a service, by id: a project's `space` is its parent of
   * the same page (a cache of the request, as a data loader's; never shared between requests or callers).
   */
  spaces: Map<string, GqlSpace>;
  /** The nested fields' batches still collecting parents in this tick, by field (batched-fields.ts). */
  batches: Map<string, PendingBatch>;
  /** Added by mercurius. */
  reply?: FastifyReply;
}

/**
 * The Actor a REST route would build, for one mutation field: the operation is the GraphQL operation's name
 * (`graphql:<field>` for an anonymous one), the text the document, the variables with secrets redacted.
 */
export function actorFor(context: GraphqlContext, info: Pick<GraphQLResolveInfo, 'operation' | 'fieldName'>): Actor {
  return {
    principal: context.principal,
    ip: context.ip,
    operation: info.operation.name?.value ?? `graphql:${info.fieldName}`,
    text: context.source,
    variables: redactedBody(shortened(context.variables)),
  };
}

/** Identity-provider metadata is kept out of the audit row as REST keeps it: its length only. */
function shortened(variables: Record<string, unknown> | undefined): unknown {
  if (variables === undefined) return undefined;
  return JSON.parse(JSON.stringify(variables, (key, value: unknown) =>
    (key === 'metadataXml' && typeof value === 'string' ? `[metadata XML, ${value.length} characters]` : value))) as unknown;
}

/** A space a service answered in this request, kept for the fields that would ask for it again. */
export function seenSpace(context: GraphqlContext, space: GqlSpace): GqlSpace {
  context.spaces.set(space.id, space);
  return space;
}
