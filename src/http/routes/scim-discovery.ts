import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { resourceTypes, schemas, serviceProviderConfig } from '../../services/scim/discovery.js';
import { ScimResourceQuery } from '../../wire/scim.js';
import type { HttpDeps } from '../app.js';

const open = { config: { public: true } } as const;
const NameParams = Type.Object({ name: Type.String() });
const UrnParams = Type.Object({ urn: Type.String() });

/**
 * `/ServiceProviderConfig`, `/ResourceTypes[/{name}]`, `/Schemas[/{urn}]` (identity.md §5.2): what a directory reads
 * before it provisions, answered without a token (RFC 7644 §4 lets them be public, and Entra's validator reads them so).
 */
export async function scimDiscoveryRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  const base = () => `${ctx.config.publicUrl}/scim/v2`;
  app.get('/ServiceProviderConfig', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => serviceProviderConfig(base()));
  app.get('/ResourceTypes', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => resourceTypes(base()));
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', { ...open, schema: { hide: true, params: NameParams, querystring: ScimResourceQuery } },
    async (request) => resourceTypes(base(), request.params.name));
  app.get('/Schemas', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => schemas(base()));
  app.get<{ Params: { urn: string } }>('/Schemas/:urn', { ...open, schema: { hide: true, params: UrnParams, querystring: ScimResourceQuery } },
    async (request) => schemas(base(), request.params.urn));
}
