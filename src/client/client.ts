import { AccessResource } from './resources/access.js';
import { ApiKeysResource } from './resources/api-keys.js';
import { AuditLogsResource } from './resources/audit-logs.js';
import { OrganizationsResource } from './resources/organizations.js';
import { ProjectsResource } from './resources/projects.js';
import { ResourceRestrictionsResource } from './resources/resource-restrictions.js';
import { RoleBindingsResource } from './resources/role-bindings.js';
import { RolesResource } from './resources/roles.js';
import { SpacesResource } from './resources/spaces.js';
import { UsersResource } from './resources/users.js';
import { Transport, type TransportOptions } from './transport.js';

/** Options of {@link createClient}. */
export type ClientOptions = TransportOptions;

/** A typed client of the `/v2` admin API: one property per resource. */
export class AxClient {
  /** Base URL requests go to. */
  readonly endpoint: string;
  readonly users: UsersResource;
  readonly organizations: OrganizationsResource;
  readonly spaces: SpacesResource;
  readonly projects: ProjectsResource;
  readonly roles: RolesResource;
  readonly roleBindings: RoleBindingsResource;
  readonly resourceRestrictions: ResourceRestrictionsResource;
  readonly apiKeys: ApiKeysResource;
  readonly auditLogs: AuditLogsResource;
  readonly access: AccessResource;

  constructor(options: ClientOptions) {
    const http = new Transport(options);
    this.endpoint = http.endpoint;
    this.users = new UsersResource(http);
    this.organizations = new OrganizationsResource(http);
    this.spaces = new SpacesResource(http);
    this.projects = new ProjectsResource(http);
    this.roles = new RolesResource(http);
    this.roleBindings = new RoleBindingsResource(http);
    this.resourceRestrictions = new ResourceRestrictionsResource(http);
    this.apiKeys = new ApiKeysResource(http);
    this.auditLogs = new AuditLogsResource(http);
    this.access = new AccessResource(http);
  }
}

/**
 * Creates a client for an ax (or Arize) server.
 *
 * @example
 * import { createClient } from 'ax-admin-plane/client';
 * const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: process.env.ARIZE_API_KEY });
 * const { users } = await ax.users.list({ email: 'jane' });
 */
export function createClient(options: ClientOptions): AxClient {
  return new AxClient(options);
}
