import SCIMMY from 'scimmy';
import { ScimError, scimNotFound } from '../../domain/scim-error.js';

/**
 * SCIMMY is configured once, here, for the whole process: User (with the EnterpriseUser extension, not required) and
 * Group are the resource types, and the service provider advertises what this server does (identity.md §5.2 —
 * SCIMMY's defaults say PATCH is unsupported, which would make Entra and Okta fall back to PUT).
 */
SCIMMY.Resources.declare(SCIMMY.Resources.User).extend(SCIMMY.Schemas.EnterpriseUser, false);
SCIMMY.Resources.declare(SCIMMY.Resources.Group);
SCIMMY.Config.set({
  patch: true,
  filter: { supported: true, maxResults: 200 },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  changePassword: false,
  sort: false,
  etag: false,
  authenticationSchemes: [{
    type: 'oauthbearertoken', name: 'OAuth Bearer Token',
    description: 'The SCIM token an account admin created for this identity provider, sent as "Authorization: Bearer <token>"',
  }],
});

export const USER_SCHEMA = SCIMMY.Schemas.User.definition.id;
export const ENTERPRISE_USER_SCHEMA = SCIMMY.Schemas.EnterpriseUser.definition.id;
export const GROUP_SCHEMA = SCIMMY.Schemas.Group.definition.id;

/** The schema (with its extensions) a PATCH or a body of this resource type is read against. */
export function resourceSchema(resource: 'User' | 'Group') {
  return resource === 'User' ? SCIMMY.Schemas.User.definition : SCIMMY.Schemas.Group.definition;
}

/** Absolute `meta.location` of a discovery document: directories follow these links. */
function located<T extends { meta?: Record<string, unknown> }>(doc: T, baseUrl: string, path: string): T {
  return { ...doc, meta: { ...doc.meta, location: `${baseUrl}${path}` } };
}

/** `GET /ServiceProviderConfig`; `primary` is set on the one scheme (SCIMMY's model leaves that member out). */
export async function serviceProviderConfig(baseUrl: string): Promise<object> {
  const doc = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ServiceProviderConfig().read())) as { meta?: Record<string, unknown>; authenticationSchemes: object[] };
  doc.authenticationSchemes = doc.authenticationSchemes.map((scheme) => ({ ...scheme, primary: true }));
  return located(doc, baseUrl, '/ServiceProviderConfig');
}

type Described = { id: string; meta?: Record<string, unknown> };

/** `GET /ResourceTypes` and `GET /ResourceTypes/{name}`. */
export async function resourceTypes(baseUrl: string, name?: string): Promise<object> {
  if (name !== undefined) return located(await describe(() => new SCIMMY.Resources.ResourceType(name).read(), 'ResourceType', name), baseUrl, `/ResourceTypes/${name}`);
  const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.ResourceType().read())) as { Resources: Described[] };
  return asList(list.Resources.map((r) => located(r, baseUrl, `/ResourceTypes/${r.id}`)));
}

/** `GET /Schemas` (core User, EnterpriseUser, core Group: Entra's validator fails every group test without Group) and `GET /Schemas/{urn}`. */
export async function schemas(baseUrl: string, urn?: string): Promise<object> {
  if (urn !== undefined) return located(withExternalId(await describe(() => new SCIMMY.Resources.Schema(urn).read(), 'Schema', urn)), baseUrl, `/Schemas/${urn}`);
  const list = JSON.parse(JSON.stringify(await new SCIMMY.Resources.Schema().read())) as { Resources: Described[] };
  return asList(list.Resources.map((r) => located(withExternalId(r), baseUrl, `/Schemas/${r.id}`)));
}

/**
 * RFC 7643 §3.1 makes `externalId` a common attribute that no schema lists, so SCIMMY leaves it out; Entra maps it by
 * default and checks that every attribute it maps is discoverable (identity.md §12.5 M15), so the core schemas list it.
 */
function withExternalId(schema: Described & { attributes?: { name: string }[] }): Described {
  if (schema.id !== USER_SCHEMA && schema.id !== GROUP_SCHEMA) return schema;
  if (schema.attributes?.some((a) => a.name === 'externalId')) return schema;
  return {
    ...schema,
    attributes: [...schema.attributes ?? [], {
      name: 'externalId', type: 'string', multiValued: false, required: false, caseExact: true, mutability: 'readWrite', returned: 'default',
      uniqueness: 'none', description: "An identifier for the resource as defined by the provisioning client (the directory's own id).",
    }],
  } as Described;
}

async function describe(read: () => Promise<unknown>, what: string, id: string): Promise<Described> {
  try {
    return JSON.parse(JSON.stringify(await read())) as Described;
  } catch (error) {
    if (error instanceof SCIMMY.Types.Error) throw scimNotFound(`${what} ${JSON.stringify(id)}`);
    throw error;
  }
}

/** Discovery lists are never paged: every resource in one answer. */
function asList(resources: object[]): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources,
  };
}

/** SCIMMY's own errors (a bad PatchOp, a value of the wrong type) as this server's SCIM errors. */
export function fromScimmyError(error: unknown): unknown {
  if (!(error instanceof SCIMMY.Types.Error)) return error;
  const status = error.status === 404 ? 404 : error.status === 409 ? 409 : 400;
  return new ScimError(status, error.message, status === 400 ? (error.scimType as ScimError['scimType']) ?? 'invalidValue' : error.scimType === 'uniqueness' ? 'uniqueness' : undefined);
}
