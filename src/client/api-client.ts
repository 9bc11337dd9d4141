import { AccessResource } from './resources/access.js';
import { AccessReviewsResource } from './resources/access-reviews.js';
import { AccessPreviewsResource } from './resources/access-previews.js';
import { AccessDocumentsResource } from './resources/access-documents.js';
import { ApiKeysResource } from './resources/api-keys.js';
import { AuditLogsResource } from './resources/audit-logs.js';
import { OAuthGrantsResource } from './resources/oauth-grants.js';
import { OidcIdentityProvidersResource, SamlIdentityProvidersResource, SsoResource } from './resources/identity-providers.js';
import { OrganizationsResource } from './resources/organizations.js';
import { ProjectsResource } from './resources/projects.js';
import { ResourceRestrictionsResource } from './resources/resource-restrictions.js';
import { RoleBindingsResource } from './resources/role-bindings.js';
import { RolesResource } from './resources/roles.js';
import { ScimTokensResource } from './resources/scim-tokens.js';
import { SpacesResource } from './resources/spaces.js';
import { UsersResource } from './resources/users.js';
import type { HttpTransport } from './http-transport.js';

/**
 * The typed `/v2` API over any {@link HttpTransport}: one property per resource. {@link AxClient} is this over
 * node:http with an API key; the console builds one over fetch with its session cookie.
 *
 * @example
 * const api = new ApiClient(myTransport);
 * const { spaces } = await api.spaces.list({ name: 'team' });
 */
export class ApiClient {
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
  readonly oauthGrants: OAuthGrantsResource;
  readonly auditLogs: AuditLogsResource;
  readonly access: AccessResource;
  /** What a change would do to access, before making it (`?dry_run=true`). */
  readonly previews: AccessPreviewsResource;
  /** Access as code: export, plan and apply the account's access document. */
  readonly accessDocuments: AccessDocumentsResource;
  /** Access reviews: signed snapshots of who can do what, diffs, keep/revoke decisions, CSV export. */
  readonly accessReviews: AccessReviewsResource;
  readonly samlIdentityProviders: SamlIdentityProvidersResource;
  readonly oidcIdentityProviders: OidcIdentityProvidersResource;
  readonly sso: SsoResource;
  readonly scimTokens: ScimTokensResource;

  constructor(http: HttpTransport) {
    this.endpoint = http.endpoint;
    this.users = new UsersResource(http);
    this.organizations = new OrganizationsResource(http);
    this.spaces = new SpacesResource(http);
    this.projects = new ProjectsResource(http);
    this.roles = new RolesResource(http);
    this.roleBindings = new RoleBindingsResource(http);
    this.resourceRestrictions = new ResourceRestrictionsResource(http);
    this.apiKeys = new ApiKeysResource(http);
    this.oauthGrants = new OAuthGrantsResource(http);
    this.auditLogs = new AuditLogsResource(http);
    this.access = new AccessResource(http);
    this.previews = new AccessPreviewsResource(http);
    this.accessDocuments = new AccessDocumentsResource(http);
    this.accessReviews = new AccessReviewsResource(http);
    this.samlIdentityProviders = new SamlIdentityProvidersResource(http);
    this.oidcIdentityProviders = new OidcIdentityProvidersResource(http);
    this.sso = new SsoResource(http);
    this.scimTokens = new ScimTokensResource(http);
  }
}
