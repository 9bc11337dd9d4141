/**
 * The typed client of the `/v2` admin API, on node:http(s), with no dependencies.
 *
 * @example
 * import { createClient, HttpError } from 'ax-admin-plane/client';
 * const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: process.env.ARIZE_API_KEY });
 * for await (const user of ax.users.iterate({ status: ['ACTIVE'] })) console.log(user.email);
 */
export { AxClient, createClient, type ClientOptions } from './client.js';
export { ApiClient } from './api-client.js';
export type { HttpTransport, RequestOptions, TransportResponse } from './http-transport.js';
export { ConnectionError, HttpError } from './errors.js';
export { paginate, type ListResponse } from './pagination.js';
export { isLapsed } from './key-expiry.js';
export type { TransportOptions, QueryValue } from './transport.js';
export type { CreateUserResult } from './resources/users.js';
export type { UsersResource } from './resources/users.js';
export type { OrganizationsResource } from './resources/organizations.js';
export type { SpacesResource } from './resources/spaces.js';
export type { ProjectsResource } from './resources/projects.js';
export type { RolesResource } from './resources/roles.js';
export type { RoleBindingsResource } from './resources/role-bindings.js';
export type { ResourceRestrictionsResource } from './resources/resource-restrictions.js';
export type { ApiKeysResource } from './resources/api-keys.js';
export type { OAuthGrantsResource } from './resources/oauth-grants.js';
export type { AuditLogsResource } from './resources/audit-logs.js';
export type { AccessReviewsResource } from './resources/access-reviews.js';
export type { AccessResource } from './resources/access.js';
export type { AccessPreview, AccessPreviewsResource } from './resources/access-previews.js';
export type { AccessApplied, AccessDocument, AccessDocumentInput, AccessDocumentsResource, AccessPlan } from './resources/access-documents.js';
export type { OidcIdentityProvidersResource, SamlIdentityProvidersResource, SsoResource } from './resources/identity-providers.js';
export type { ScimProviderProtocol, ScimTokensResource } from './resources/scim-tokens.js';
export type * from './types.js';
