import type { Static } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import type * as wireAccess from '../../src/wire/access.js';
import type * as wireApiKeys from '../../src/wire/api-keys.js';
import type * as wireOrganizations from '../../src/wire/organizations.js';
import type * as wireRemoval from '../../src/wire/removal-cascade.js';
import type * as wireSpaces from '../../src/wire/spaces.js';
import type * as wireUsers from '../../src/wire/users.js';
import {
  createClient, HttpError, paginate, type ApiKey, type AxClient, type CreatedApiKey, type CreateUserResult, type Organization,
  type RemovalCascade, type RemovalParams, type Role, type RoleAssignmentRequest, type User, type UserList,
} from '../../src/client/index.js';

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
    expectTypeOf(ax.access.check).parameter(0).toEqualTypeOf<Static<typeof wireAccess.AccessCheckRequest>>();
    expectTypeOf(ax.access.checks).parameter(0).toEqualTypeOf<Static<typeof wireAccess.AccessChecksRequest>>();
    expectTypeOf(ax.access.checks).returns.resolves.toEqualTypeOf<Static<typeof wireAccess.AccessChecksResult>>();
    expectTypeOf(ax.access.grantableRoles).returns.resolves.toEqualTypeOf<Static<typeof wireAccess.GrantableRoles>>();
  });
});
