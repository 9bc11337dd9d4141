import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { resourceTypes, schemas, serviceProviderConfig } from '../../services/scim/discovery.js';
import { ScimResourceQuery } from '../../wire/scim.js';
import type { HttpDeps } from '../app.js';
import { traceServices } from '../tracing/service-tracing.js';

const scimDiscoveryService = traceServices('scim/discovery', { resourceTypes, schemas, serviceProviderConfig });
const open = { config: { public: true } } as const;
const NameParams = Type.Object({ name: Type.String() });
const UrnParams = Type.Object({ urn: Type.String() });

/**
 * `/ServiceProviderConfig`, `/ResourceTypes[/{name}]`, `/Schemas[/{urn}]` (identity.md §5.2): what a directory reads
 * before it provisions, answered without a token (RFC 7644 §4 lets them be public, and Entra's validator reads them so).
 */
export async function scimDiscoveryRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  const base = () => `${ctx.config.publicUrl}/scim/v2`;
  app.get('/ServiceProviderConfig', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => scimDiscoveryService.serviceProviderConfig(base()));
  app.get('/ResourceTypes', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => scimDiscoveryService.resourceTypes(base()));
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', { ...open, schema: { hide: true, params: NameParams, querystring: ScimResourceQuery } },
    async (request) => scimDiscoveryService.resourceTypes(base(), request.params.name));
  app.get('/Schemas', { ...open, schema: { hide: true, querystring: ScimResourceQuery } }, async () => scimDiscoveryService.schemas(base()));
  app.get<{ Params: { urn: string } }>('/Schemas/:urn', { ...open, schema: { hide: true, params: UrnParams, querystring: ScimResourceQuery } },
    async (request) => scimDiscoveryService.schemas(base(), request.params.urn));
}
