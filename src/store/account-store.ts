import type { Kysely } from 'kysely';
import { AccessVersionRepository } from './repositories/access-version.js';
import { AccessWorldRepository } from './repositories/access-world.js';
import { ApiKeyRepository } from './repositories/api-keys.js';
import { AuditLogRepository } from './repositories/audit-logs.js';
import { AuthenticationFailureRepository } from './repositories/authentication-failures.js';
import { DeprovisioningRecords } from './repositories/deprovisioning-records.js';
import { IdentityLinkRepository } from './repositories/identity-links.js';
import { IdentityProviderRepository } from './repositories/identity-providers.js';
import { MappingReferenceRepository } from './repositories/mapping-references.js';
import { MembershipCascades } from './repositories/memberships.js';
import { OrganizationRepository } from './repositories/organizations.js';
import { ProjectRepository } from './repositories/projects.js';
import { ResourceRestrictionRepository } from './repositories/resource-restrictions.js';
import { RoleBindingRepository } from './repositories/role-bindings.js';
import { RoleMappingRepository } from './repositories/role-mappings.js';
import { RoleRepository } from './repositories/roles.js';
import { ScimGroupRepository } from './repositories/scim-groups.js';
import { ScimTokenRepository } from './repositories/scim-tokens.js';
import { ScimUserRepository } from './repositories/scim-users.js';
import { ServiceKeyBotRepository } from './repositories/service-key-bots.js';
import { SpaceRepository } from './repositories/spaces.js';
import { SyncedGrantRepository } from './repositories/synced-grants.js';
import { UserRepository } from './repositories/users.js';
import type { Database } from './schema.js';

/**
 * The database (or a transaction) seen by one account: every repository it hands out filters each query by that
 * account by construction, so a use case cannot forget the filter and read or change another tenant's rows.
 *
 * @example
 * const org = await forAccount(ctx.store.db, principal.accountId).organizations.find(id);
 */
export interface AccountStore {
  readonly accountId: number;
  readonly organizations: OrganizationRepository;
  readonly spaces: SpaceRepository;
  readonly projects: ProjectRepository;
  readonly resourceRestrictions: ResourceRestrictionRepository;
  readonly roles: RoleRepository;
  readonly roleBindings: RoleBindingRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly users: UserRepository;
  /** What goes with a removed membership (the membership rows themselves are the resources' own). */
  readonly memberships: MembershipCascades;
  readonly auditLogs: AuditLogRepository;
  readonly authenticationFailures: AuthenticationFailureRepository;
  readonly serviceKeyBots: ServiceKeyBotRepository;
  readonly accessVersion: AccessVersionRepository;
  /** SAML and OIDC identity providers, their email domains and their users' links. */
  readonly identityProviders: IdentityProviderRepository;
  /** The identity providers' role-mapping rules. */
  readonly roleMappings: RoleMappingRepository;
  /** Everything the access engine reads; needs the database, not a transaction. */
  readonly accessWorld: AccessWorldRepository;
  /** SSO logins: the provider, its domains, the links `(idp, subject) → user`. */
  readonly identityLinks: IdentityLinkRepository;
  /** The rows a role-mapping sync reads and writes, with their source. */
  readonly syncedGrants: SyncedGrantRepository;
  /** Where identity providers name organizations, spaces, projects and roles (deletes prune them). */
  readonly mappingReferences: MappingReferenceRepository;
  /** Directories' SCIM bearer tokens. */
  readonly scimTokens: ScimTokenRepository;
  /** The users a directory sees and what it said about them (SCIM `/Users`). */
  readonly scimUsers: ScimUserRepository;
  /** Directories' groups and their members (SCIM `/Groups`). */
  readonly scimGroups: ScimGroupRepository;
  /** What deprovisioning reads and removes of a user's links, SCIM memberships and managing directory. */
  readonly deprovisioning: DeprovisioningRecords;
}

/**
 * A Transaction is a Kysely instance too: pass the transaction to make the repositories write inside it.
 * Repositories are made when asked for (a request uses one or two of the two dozen: making them all was a
 * measurable share of a write's CPU, issue 13); each is a plain view holding nothing but the database and the account.
 */
export function forAccount(db: Kysely<Database>, accountId: number): AccountStore {
  return new AccountView(db, accountId);
}

class AccountView implements AccountStore {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>, readonly accountId: number) {
    this.#db = db;
  }

  get organizations(): OrganizationRepository { return new OrganizationRepository(this.#db, this.accountId); }
  get spaces(): SpaceRepository { return new SpaceRepository(this.#db, this.accountId); }
  get projects(): ProjectRepository { return new ProjectRepository(this.#db, this.accountId); }
  get resourceRestrictions(): ResourceRestrictionRepository { return new ResourceRestrictionRepository(this.#db, this.accountId); }
  get roles(): RoleRepository { return new RoleRepository(this.#db, this.accountId); }
  get roleBindings(): RoleBindingRepository { return new RoleBindingRepository(this.#db, this.accountId); }
  get apiKeys(): ApiKeyRepository { return new ApiKeyRepository(this.#db, this.accountId); }
  get users(): UserRepository { return new UserRepository(this.#db, this.accountId); }
  get memberships(): MembershipCascades { return new MembershipCascades(this.#db, this.accountId); }
  get auditLogs(): AuditLogRepository { return new AuditLogRepository(this.#db, this.accountId); }
  get authenticationFailures(): AuthenticationFailureRepository { return new AuthenticationFailureRepository(this.#db, this.accountId); }
  get serviceKeyBots(): ServiceKeyBotRepository { return new ServiceKeyBotRepository(this.#db, this.accountId); }
  get accessVersion(): AccessVersionRepository { return new AccessVersionRepository(this.#db, this.accountId); }
  get identityProviders(): IdentityProviderRepository { return new IdentityProviderRepository(this.#db, this.accountId); }
  get roleMappings(): RoleMappingRepository { return new RoleMappingRepository(this.#db, this.accountId); }
  get accessWorld(): AccessWorldRepository { return new AccessWorldRepository(this.#db, this.accountId); }
  get identityLinks(): IdentityLinkRepository { return new IdentityLinkRepository(this.#db, this.accountId); }
  get syncedGrants(): SyncedGrantRepository { return new SyncedGrantRepository(this.#db, this.accountId); }
  get mappingReferences(): MappingReferenceRepository { return new MappingReferenceRepository(this.#db, this.accountId); }
  get scimTokens(): ScimTokenRepository { return new ScimTokenRepository(this.#db, this.accountId); }
  get scimUsers(): ScimUserRepository { return new ScimUserRepository(this.#db, this.accountId); }
  get scimGroups(): ScimGroupRepository { return new ScimGroupRepository(this.#db, this.accountId); }
  get deprovisioning(): DeprovisioningRecords { return new DeprovisioningRecords(this.#db, this.accountId); }
}
