import type { Static } from '@sinclair/typebox';
import Fastify, { type RouteOptions } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { routeModules } from '../../src/http/routes/index.js';
import type { HttpDeps } from '../../src/http/app.js';
import * as wireAccess from '../../src/wire/access.js';
import * as wireAccessPreview from '../../src/wire/access-preview.js';
import * as wireAccessDocument from '../../src/wire/access-document.js';
import * as wireAccessReviews from '../../src/wire/access-reviews.js';
import * as wireApiKeys from '../../src/wire/api-keys.js';
import * as wireAuditLogs from '../../src/wire/audit-logs.js';
import * as wireCommon from '../../src/wire/common.js';
import * as wireIdentityProviders from '../../src/wire/identity-providers.js';
import type * as w from '../../src/wire/identity-providers.js';
import * as wireMe from '../../src/wire/me.js';
import * as wireOAuth from '../../src/wire/oauth.js';
import * as wireOrganizations from '../../src/wire/organizations.js';
import * as wireProjects from '../../src/wire/projects.js';
import * as wireRemoval from '../../src/wire/removal-cascade.js';
import * as wireRestrictions from '../../src/wire/resource-restrictions.js';
import * as wireRoleBindings from '../../src/wire/role-bindings.js';
import * as wireRoles from '../../src/wire/roles.js';
import * as wireScimTokens from '../../src/wire/scim-tokens.js';
import * as wireSecretScanning from '../../src/wire/secret-scanning.js';
import * as wireSessions from '../../src/wire/sessions.js';
import * as wireSpaces from '../../src/wire/spaces.js';
import * as wireSsoLogin from '../../src/wire/sso-login.js';
import * as wireUsers from '../../src/wire/users.js';
import {
  createClient, HttpError, paginate, type ApiKey, type AxClient, type CreatedApiKey, type CreateUserResult, type Organization,
  type RemovalCascade, type RemovalParams, type Role, type RoleAssignmentRequest, type User, type UserList,
  type AccountRoleAssignmentRequest, type CreateUserRequest, type RoleListParams, type UserListParams,
} from '../../src/client/index.js';

const wireModules = [
  wireAccess, wireAccessPreview, wireAccessDocument, wireAccessReviews, wireApiKeys, wireAuditLogs, wireCommon, wireIdentityProviders, wireMe, wireOAuth, wireOrganizations, wireProjects, wireRemoval, wireRestrictions,
  wireRoleBindings, wireRoles, wireScimTokens, wireSecretScanning, wireSessions, wireSpaces, wireSsoLogin, wireUsers,
];

describe('the typed client (a public library export)', () => {
  it('types every resource method by the wire shapes of api.md', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    expectTypeOf(ax).toEqualTypeOf<AxClient>();
    expectTypeOf(ax.users.list).returns.resolves.toEqualTypeOf<UserList>();
    expectTypeOf(ax.users.create).returns.resolves.toEqualTypeOf<CreateUserResult>();
    expectTypeOf(ax.users.iterate).returns.toEqualTypeOf<AsyncGenerator<User, void, undefined>>();
    expectTypeOf(ax.organizations.get).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(ax.organizations.create).returns.resolves.toEqualTypeOf<Organization>();
    expectTypeOf(ax.roles.delete).parameter(1).toEqualTypeOf<{ force?: boolean } | undefined>();
    expectTypeOf(ax.roles.get).returns.resolves.toEqualTypeOf<Role>();
    expectTypeOf(ax.apiKeys.create).returns.resolves.toEqualTypeOf<CreatedApiKey>();
    expectTypeOf(ax.apiKeys.revoke).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf<CreatedApiKey>().toMatchTypeOf<ApiKey & { key: string }>();
  });

  it('types the removals that answer their cascade on a dry run or a rotation, else nothing (issue 8)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    for (const remove of [ax.organizations.removeUser, ax.spaces.removeUser]) {
      expectTypeOf(remove).parameter(2).toEqualTypeOf<RemovalParams | undefined>();
      expectTypeOf(remove).returns.resolves.toEqualTypeOf<RemovalCascade | undefined>();
    }
    expectTypeOf(ax.users.delete).parameter(1).toEqualTypeOf<RemovalParams | undefined>();
    expectTypeOf(ax.users.delete).returns.resolves.toEqualTypeOf<RemovalCascade | undefined>();
    expectTypeOf<RemovalParams['service_keys']>().toEqualTypeOf<'keep' | 'revoke' | 'rotate' | undefined>();
    expectTypeOf<NonNullable<RemovalCascade['principals']>>().toEqualTypeOf<Static<typeof wireAccessPreview.AccessPreview>['principals']>();
    // Issue 17: the previews of the changes that move rights answer the server's AccessPreview.
    expectTypeOf(ax.previews.createRoleBinding).returns.resolves.toEqualTypeOf<Static<typeof wireAccessPreview.AccessPreview>>();
    expectTypeOf(ax.previews.revokeApiKey).returns.resolves.toEqualTypeOf<Static<typeof wireAccessPreview.AccessPreview>>();
  });

  it('narrows discriminated unions', () => {
    // The request schema accepts (and ignores) a CUSTOM assignment's name, so the type derived from it says so (issue 9).
    expectTypeOf<Extract<RoleAssignmentRequest, { type: 'CUSTOM' }>>().toEqualTypeOf<{ type: 'CUSTOM'; id: string; name?: string }>();
    expectTypeOf<Extract<CreateUserResult, { created: true }>['user']['temporary_password']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error role bindings need a resource type
    expectTypeOf((c: AxClient) => c.roleBindings.list({})).toBeFunction();
  });

  it('exposes errors and the page iterator', () => {
    expectTypeOf<HttpError['status']>().toEqualTypeOf<number>();
    expectTypeOf(paginate<UserList, User>).returns.toEqualTypeOf<AsyncGenerator<User, void, undefined>>();
  });

  it('answers with the shapes of the server schemas, so a schema change is a client type change (issue 9)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    expectTypeOf(ax.users.get).returns.resolves.toEqualTypeOf<Static<typeof wireUsers.User>>();
    expectTypeOf<Extract<CreateUserResult, { created: true }>['user']>().toEqualTypeOf<Static<typeof wireUsers.CreatedUser>>();
    // The console's copy had it optional; the schema says every 201 carries it.
    expectTypeOf<Extract<CreateUserResult, { created: true }>['user']['invite_mode']>().toEqualTypeOf<'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE'>();
    expectTypeOf(ax.spaces.get).returns.resolves.toEqualTypeOf<Static<typeof wireSpaces.Space>>();
    expectTypeOf(ax.organizations.listUsers).returns.resolves.toHaveProperty('memberships')
      .toEqualTypeOf<Static<typeof wireOrganizations.OrganizationMember>[]>();
    expectTypeOf(ax.apiKeys.create).parameter(0).toEqualTypeOf<Static<typeof wireApiKeys.CreateApiKey>>();
    expectTypeOf(ax.apiKeys.create).returns.resolves.toEqualTypeOf<Static<typeof wireApiKeys.CreatedApiKey>>();
    expectTypeOf(ax.users.delete).returns.resolves.toEqualTypeOf<Static<typeof wireRemoval.RemovalCascadeBody> | undefined>();
    expectTypeOf(ax.organizations.previewDelete).returns.resolves.toEqualTypeOf<Static<typeof wireOrganizations.OrganizationDeleteCascade>>();
    expectTypeOf(ax.spaces.previewDelete).returns.resolves.toEqualTypeOf<Static<typeof wireSpaces.SpaceDeleteCascade>>();
    expectTypeOf(ax.projects.previewDelete).returns.resolves.toEqualTypeOf<Static<typeof wireProjects.ProjectDeleteCascade>>();
    expectTypeOf(ax.access.check).parameter(0).toEqualTypeOf<Static<typeof wireAccess.AccessCheckRequest>>();
    expectTypeOf(ax.access.checks).parameter(0).toEqualTypeOf<Static<typeof wireAccess.AccessChecksRequest>>();
    expectTypeOf(ax.access.checks).returns.resolves.toEqualTypeOf<Static<typeof wireAccess.AccessChecksResult>>();
    expectTypeOf(ax.access.grantableRoles).returns.resolves.toEqualTypeOf<Static<typeof wireAccess.GrantableRoles>>();
  });

  it('takes the request shapes of the server schemas: bodies, list queries (as coerced) and removal queries (issue 9)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    type Query<T> = T | undefined;
    expectTypeOf(ax.users.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireUsers.ListUsersQuery>>>();
    expectTypeOf(ax.users.create).parameter(0).toEqualTypeOf<Static<typeof wireUsers.CreateUserBody>>();
    expectTypeOf(ax.users.update).parameter(1).toEqualTypeOf<Static<typeof wireUsers.UpdateUserBody>>();
    expectTypeOf(ax.organizations.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireOrganizations.ListOrganizationsQuery>>>();
    expectTypeOf(ax.organizations.create).parameter(0).toEqualTypeOf<Static<typeof wireOrganizations.CreateOrganizationBody>>();
    expectTypeOf(ax.organizations.update).parameter(1).toEqualTypeOf<Static<typeof wireOrganizations.UpdateOrganizationBody>>();
    expectTypeOf(ax.organizations.listUsers).parameter(1).toEqualTypeOf<Query<Static<typeof wireCommon.PageQuery>>>();
    expectTypeOf(ax.organizations.addUser).parameter(1).toEqualTypeOf<Static<typeof wireOrganizations.AddOrganizationMemberBody>>();
    expectTypeOf(ax.spaces.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireSpaces.ListSpacesQuery>>>();
    expectTypeOf(ax.spaces.create).parameter(0).toEqualTypeOf<Static<typeof wireSpaces.CreateSpaceBody>>();
    expectTypeOf(ax.spaces.update).parameter(1).toEqualTypeOf<Static<typeof wireSpaces.UpdateSpaceBody>>();
    expectTypeOf(ax.spaces.listUsers).parameter(1).toEqualTypeOf<Query<Static<typeof wireCommon.PageQuery>>>();
    expectTypeOf(ax.spaces.addUser).parameter(1).toEqualTypeOf<Static<typeof wireSpaces.AddSpaceMemberBody>>();
    expectTypeOf(ax.projects.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireProjects.ListProjectsQuery>>>();
    expectTypeOf(ax.projects.create).parameter(0).toEqualTypeOf<Static<typeof wireProjects.CreateProjectBody>>();
    expectTypeOf(ax.projects.update).parameter(1).toEqualTypeOf<Static<typeof wireProjects.UpdateProjectBody>>();
    expectTypeOf(ax.roles.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireRoles.ListRolesQuery>>>();
    expectTypeOf(ax.roles.create).parameter(0).toEqualTypeOf<Static<typeof wireRoles.CreateRoleBody>>();
    expectTypeOf(ax.roles.update).parameter(1).toEqualTypeOf<Static<typeof wireRoles.UpdateRoleBody>>();
    expectTypeOf(ax.roles.delete).parameter(1).toEqualTypeOf<Query<Static<typeof wireRoles.DeleteRoleQuery>>>();
    expectTypeOf(ax.roleBindings.list).parameter(0).toEqualTypeOf<Static<typeof wireRoleBindings.ListRoleBindingsQuery>>();
    expectTypeOf(ax.roleBindings.create).parameter(0).toEqualTypeOf<Static<typeof wireRoleBindings.CreateRoleBindingBody>>();
    expectTypeOf(ax.roleBindings.update).parameter(1).toEqualTypeOf<Static<typeof wireRoleBindings.UpdateRoleBindingBody>>();
    expectTypeOf(ax.resourceRestrictions.list).parameter(0)
      .toEqualTypeOf<Query<Static<typeof wireRestrictions.ListResourceRestrictionsQuery>>>();
    expectTypeOf(ax.apiKeys.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireApiKeys.ListApiKeysQuery>>>();
    expectTypeOf(ax.apiKeys.refresh).parameter(1).toEqualTypeOf<Query<Static<typeof wireApiKeys.RefreshApiKey>>>();
    expectTypeOf(ax.auditLogs.list).parameter(0).toEqualTypeOf<Query<Static<typeof wireAuditLogs.ListAuditLogsQuery>>>();
    expectTypeOf(ax.auditLogs.listAuthenticationFailures).parameter(0)
      .toEqualTypeOf<Query<Static<typeof wireAuditLogs.ListAuthenticationFailuresQuery>>>();
    expectTypeOf(ax.organizations.removeUser).parameter(2).toEqualTypeOf<Query<Static<typeof wireRemoval.RemovalQuery>>>();

    // Queries are typed as the server reads them after coercion: numbers, booleans and repeated parameters as arrays.
    expectTypeOf<UserListParams>().toEqualTypeOf<{
      email?: string; status?: ('ACTIVE' | 'INVITED' | 'EXPIRED')[]; limit?: number; cursor?: string;
    }>();
    expectTypeOf<RoleListParams['is_predefined']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<CreateUserRequest>().toEqualTypeOf<{
      name: string; email: string; role: AccountRoleAssignmentRequest; invite_mode: 'EMAIL_LINK' | 'TEMPORARY_PASSWORD' | 'NONE';
      is_developer?: boolean;
    }>();
  });

  it('types the SSO resources by src/wire/identity-providers.ts (issue 10)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    expectTypeOf(ax.samlIdentityProviders.list).returns.resolves.toEqualTypeOf<Static<typeof w.SamlIdentityProviderList>>();
    expectTypeOf(ax.samlIdentityProviders.iterate).returns.toEqualTypeOf<AsyncGenerator<Static<typeof w.SamlIdentityProviderSummary>, void, undefined>>();
    expectTypeOf(ax.samlIdentityProviders.get).returns.resolves.toEqualTypeOf<Static<typeof w.SamlIdentityProvider>>();
    expectTypeOf(ax.samlIdentityProviders.create).parameter(0).toEqualTypeOf<Static<typeof w.CreateSamlIdentityProviderBody>>();
    expectTypeOf(ax.samlIdentityProviders.update).parameter(1).toEqualTypeOf<Static<typeof w.UpdateSamlIdentityProviderBody>>();
    expectTypeOf(ax.oidcIdentityProviders.list).returns.resolves.toEqualTypeOf<Static<typeof w.OidcIdentityProviderList>>();
    expectTypeOf(ax.oidcIdentityProviders.get).returns.resolves.toEqualTypeOf<Static<typeof w.OidcIdentityProvider>>();
    expectTypeOf(ax.oidcIdentityProviders.create).parameter(0).toEqualTypeOf<Static<typeof w.CreateOidcIdentityProviderBody>>();
    expectTypeOf(ax.oidcIdentityProviders.update).parameter(1).toEqualTypeOf<Static<typeof w.UpdateOidcIdentityProviderBody>>();
    for (const idps of [ax.samlIdentityProviders, ax.oidcIdentityProviders]) {
      expectTypeOf(idps.listRoleMappings).returns.resolves.toEqualTypeOf<Static<typeof w.RoleMappingList>>();
      expectTypeOf(idps.createRoleMapping).parameter(1).toEqualTypeOf<Static<typeof w.CreateRoleMappingBody>>();
      expectTypeOf(idps.updateRoleMapping).parameter(2).toEqualTypeOf<Static<typeof w.UpdateRoleMappingBody>>();
      expectTypeOf(idps.updateRoleMapping).returns.resolves.toEqualTypeOf<Static<typeof w.RoleMapping>>();
      expectTypeOf(idps.evaluate).parameter(1).toEqualTypeOf<Static<typeof w.EvaluateRoleMappingsBody>>();
      expectTypeOf(idps.evaluate).returns.resolves.toEqualTypeOf<Static<typeof w.EvaluateRoleMappingsResult>>();
      expectTypeOf(idps.getIdentityLink).returns.resolves.toEqualTypeOf<Static<typeof w.IdentityLink>>();
    }
    expectTypeOf(ax.sso.serviceProvider).returns.resolves.toEqualTypeOf<Static<typeof w.ServiceProviderInfo>>();
  });

  it('types SCIM tokens and the SCIM status by src/wire/scim-tokens.ts (issue 12)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    expectTypeOf(ax.scimTokens.list).parameter(0).toEqualTypeOf<'SAML' | 'OIDC'>();
    expectTypeOf(ax.scimTokens.list).returns.resolves.toEqualTypeOf<Static<typeof wireScimTokens.ScimTokenList>>();
    expectTypeOf(ax.scimTokens.iterate).returns.toEqualTypeOf<AsyncGenerator<Static<typeof wireScimTokens.ScimToken>, void, undefined>>();
    expectTypeOf(ax.scimTokens.create).parameter(2).toEqualTypeOf<Static<typeof wireScimTokens.CreateScimTokenBody> | undefined>();
    expectTypeOf(ax.scimTokens.create).returns.resolves.toEqualTypeOf<Static<typeof wireScimTokens.CreatedScimToken>>();
    expectTypeOf(ax.scimTokens.revoke).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(ax.scimTokens.status).returns.resolves.toEqualTypeOf<Static<typeof wireScimTokens.ScimStatus>>();
  });

  it('types CLI logins by src/wire/oauth.ts (issue 11)', () => {
    const ax = createClient({ endpoint: 'http://127.0.0.1:8080', apiKey: 'ak-x' });
    expectTypeOf(ax.oauthGrants.list).parameter(0).toEqualTypeOf<Static<typeof wireOAuth.OAuthGrantListQuery> | undefined>();
    expectTypeOf(ax.oauthGrants.list).returns.resolves.toEqualTypeOf<{ oauth_grants: Static<typeof wireOAuth.OAuthGrant>[]; pagination: Static<typeof wireCommon.Pagination> }>();
    expectTypeOf(ax.oauthGrants.iterate).returns.toEqualTypeOf<AsyncGenerator<Static<typeof wireOAuth.OAuthGrant>, void, undefined>>();
    expectTypeOf(ax.oauthGrants.revoke).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(ax.accessDocuments.export).returns.resolves.toEqualTypeOf<Static<typeof wireAccessDocument.AccessDocument>>();
    expectTypeOf(ax.accessDocuments.plan).returns.resolves.toEqualTypeOf<Static<typeof wireAccessDocument.AccessPlan>>();
    expectTypeOf(ax.accessDocuments.apply).returns.resolves.toEqualTypeOf<Static<typeof wireAccessDocument.AccessApplied>>();
  });

  // The types above follow src/wire; this makes sure the server validates with src/wire too, so that a route cannot
  // take a request shape of its own (written inline) that the client would not know about.
  it('validates every request body, query and path of the server with a schema exported by src/wire (issue 9)', async () => {
    const exported = new Set<unknown>(wireModules.flatMap((module) => Object.values(module)));
    const routes: RouteOptions[] = [];
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });
    // Registering a route module only declares its routes: no service is called, so no dependency is needed.
    for (const routeModule of routeModules) await app.register(async (scope) => routeModule(scope, {} as HttpDeps));
    await app.close();

    const inline = routes.flatMap((route) => (['body', 'querystring', 'params'] as const)
      .filter((part) => route.schema?.[part] !== undefined && !exported.has(route.schema[part]))
      .map((part) => `${String(route.method)} ${route.url} ${part}`));
    expect(routes.length).toBeGreaterThan(40);
    expect(inline).toEqual([]);
  });
});
