import type { SwaggerTransformObject } from '@fastify/swagger';
import { PERMISSIONS } from '../domain/permissions.js';

/** The parts of an OpenAPI 3.1 document this module touches. */
interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation | unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

interface Operation {
  requestBody?: { required?: boolean };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/**
 * Routes whose missing body means `{}` (their preValidation says so): Arize's clients always send an object, but
 * the body is optional. @fastify/swagger marks every body it sees as required, because Fastify demands one when a
 * body schema exists.
 */
const OPTIONAL_BODIES: readonly { method: string; path: string }[] = [
  { method: 'post', path: '/v2/api-keys/{api_key_id}/refresh' },
  { method: 'post', path: '/v2/saml-identity-providers/{idp_id}/scim-tokens' },
  { method: 'post', path: '/v2/oidc-identity-providers/{idp_id}/scim-tokens' },
];

/** Enums that request schemas leave to the service to check (`x-enum-from`), so that its error names the value. */
const ENUMS: Record<string, readonly string[]> = { PermissionName: PERMISSIONS };

/**
 * What the generated document cannot take from the route schemas alone, so that clients generated from it get the
 * wire right: optional bodies are optional, permission names are an enum in requests as in answers, and every
 * error answer is `application/problem+json` (the one content type the error handler sends).
 *
 * @example
 * await app.register(swagger, { openapi: { … }, transformObject: finishOpenApiDocument });
 */
export const finishOpenApiDocument: SwaggerTransformObject = (generated) => {
  const document = 'openapiObject' in generated ? generated.openapiObject : generated.swaggerObject;
  const doc = document as OpenApiDocument;
  for (const { method, path } of OPTIONAL_BODIES) {
    const operation = doc.paths?.[path]?.[method] as Operation | undefined;
    if (operation?.requestBody) operation.requestBody.required = false;
  }
  for (const item of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(item) as Operation[]) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json !== undefined) response.content = { 'application/problem+json': json };
      }
    }
  }
  expandEnums(doc);
  return document;
};

function expandEnums(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) expandEnums(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const from = schema['x-enum-from'];
  if (typeof from === 'string' && ENUMS[from]) {
    schema.enum = [...ENUMS[from]];
    delete schema['x-enum-from'];
  }
  for (const value of Object.values(schema)) expandEnums(value);
}
