/**
 * The GraphQL schema served at `/graphql`, as SDL: the published contract. `docs/schema.graphql` is this text
 * printed by graphql-js at build time (scripts/print-graphql-schema.js); a test fails when the two differ.
 * Types with a REST counterpart implement Node, and their `id` is the REST id.
 */
export const typeDefs = /* GraphQL */ `
"""An RFC 3339 date-time string."""
scalar DateTime

"""Any JSON value."""
scalar JSON

"""An object with a global id: the same id the REST API (/v2) answers for it."""
interface Node {
  id: ID!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Query {
  """The caller: its user, the spaces it may read and its API keys."""
  viewer: Viewer!
  """The caller's account."""
  account: Account!
  """Any object by its id (the REST id), or null when it does not exist or the caller may not see it."""
  node(id: ID!): Node
}

type Viewer {
  """base64 "Viewer:<user number>" (not a Node)."""
  id: ID!
  user: User!
  spaces(first: Int, after: String, search: String): SpaceConnection!
  apiKeys(first: Int, after: String, keyType: ApiKeyType, status: ApiKeyStatus): ApiKeyConnection!
}

type Account implements Node {
  id: ID!
  name: String!
  organizations(first: Int, after: String, search: String): AccountOrganizationConnection!
  users(search: String, first: Int, after: String): UserConnection!
  roles(first: Int, after: String, isPredefined: Boolean): RoleConnection!
  auditLogs(first: Int, after: String, startTime: DateTime, endTime: DateTime, userId: ID, operationType: OperationType): AuditLogConnection!
  """The account's SAML identity providers (account admins). Deleted providers are never listed: includeDeleted is accepted and changes nothing."""
  allSamlIdPs(first: Int, after: String, includeDeleted: Boolean): SamlIdPConnection!
}

type AccountOrganization implements Node {
  id: ID!
  name: String!
  description: String!
  createdAt: DateTime!
  spaces(first: Int, after: String, search: String): SpaceConnection!
  accountOrganizationUsers(first: Int, after: String): AccountOrganizationUserConnection!
}

type AccountOrganizationUser implements Node {
  id: ID!
  user: User!
  role: OrganizationRole
  customRole: Role
}

type Space implements Node {
  id: ID!
  name: String!
  description: String!
  private: Boolean!
  createdAt: DateTime!
  organization: AccountOrganization!
  projects(first: Int, after: String, search: String): ProjectConnection!
  """Every user with access to the space, including account and organization admins never added to it."""
  spaceUsers(first: Int, after: String): SpaceUserConnection!
  """The users explicitly added to the space."""
  spaceMemberships(first: Int, after: String): SpaceMembershipConnection!
}

type SpaceUser {
  user: User!
  """The predefined role that gives the access (null when only a custom role applies)."""
  role: SpaceRole
  customRole: Role
  permissions: [String!]!
}

type SpaceMembership implements Node {
  id: ID!
  user: User!
  space: Space!
  role: SpaceRole
  customRole: Role
}

type User implements Node {
  id: ID!
  email: String!
  name: String!
  role: AccountRole!
  status: UserStatus!
  isDeveloper: Boolean!
  createdAt: DateTime!
  deactivatedAt: DateTime
}

type Project implements Node {
  id: ID!
  name: String!
  space: Space!
  isRestricted: Boolean!
  createdAt: DateTime!
}

type Role implements Node {
  id: ID!
  name: String!
  description: String
  permissions: [String!]!
  isPredefined: Boolean!
}

type ApiKey implements Node {
  id: ID!
  name: String!
  description: String
  keyType: ApiKeyType!
  status: ApiKeyStatus!
  redactedKey: String!
  createdBy: User
  createdAt: DateTime!
  expiresAt: DateTime
  lastUsedAt: DateTime
}

type AuditLog implements Node {
  id: ID!
  user: User
  ip: String!
  operationType: OperationType!
  operationName: String
  operationText: String
  variables: String
  createdAt: DateTime!
}

type SamlIdP implements Node {
  id: ID!
  name: String!
  emailDomainsList: [SamlEmailDomain!]!
  accountId: ID!
  metadataUrl: String
  metadataXml: String
  defaultOrgId: ID
  defaultOrgRoleId: ID
  defaultSpaceId: ID
  defaultSpaceRoleId: ID
  syncUserRoles: Boolean!
  signAuthn: Boolean!
  allowOnlySsoLogins: Boolean!
  allowDefaultLogin: Boolean!
  """In order: the first rule that matches a user's attributes decides."""
  roleMappings: [SamlRoleMapping!]!
  isManagedByFile: Boolean!
  deletedAt: DateTime
}

type SamlEmailDomain {
  """base64 "SamlEmailDomain:<domain>" (domains have no REST id)."""
  id: ID!
  domain: String!
  validated: Boolean!
}

type SamlRoleMapping implements Node {
  id: ID!
  attributesMap: JSON!
  isAccountAdmin: Boolean!
  orgRole: SamlOrgRole
  """{"<space id>": "<predefined role id>"}"""
  spaceRolesMap: JSON!
  """{"<space id>": "<custom role id>"}"""
  spaceRbacRolesMap: JSON!
  """{"<project id>": "<custom role id>"}"""
  projectRbacRolesMap: JSON!
}

type SamlOrgRole { orgId: ID! roleId: ID! }

enum SpaceRole { admin member readOnly annotator }
enum OrganizationRole { admin member readOnly annotator }
enum AccountRole { admin member annotator }
enum UserStatus { active invited expired }
enum ApiKeyType { user service }
enum ApiKeyStatus { active revoked }
enum OperationType { query mutation subscription }

type SpaceEdge { cursor: String! node: Space! }
type SpaceConnection { edges: [SpaceEdge!]! pageInfo: PageInfo! }
type ProjectEdge { cursor: String! node: Project! }
type ProjectConnection { edges: [ProjectEdge!]! pageInfo: PageInfo! }
type UserEdge { cursor: String! node: User! }
type UserConnection { edges: [UserEdge!]! pageInfo: PageInfo! }
type RoleEdge { cursor: String! node: Role! }
type RoleConnection { edges: [RoleEdge!]! pageInfo: PageInfo! }
type ApiKeyEdge { cursor: String! node: ApiKey! }
type ApiKeyConnection { edges: [ApiKeyEdge!]! pageInfo: PageInfo! }
type AuditLogEdge { cursor: String! node: AuditLog! }
type AuditLogConnection { edges: [AuditLogEdge!]! pageInfo: PageInfo! }
type AccountOrganizationEdge { cursor: String! node: AccountOrganization! }
type AccountOrganizationConnection { edges: [AccountOrganizationEdge!]! pageInfo: PageInfo! }
type AccountOrganizationUserEdge { cursor: String! node: AccountOrganizationUser! }
type AccountOrganizationUserConnection { edges: [AccountOrganizationUserEdge!]! pageInfo: PageInfo! }
type SpaceMembershipEdge { cursor: String! node: SpaceMembership! }
type SpaceMembershipConnection { edges: [SpaceMembershipEdge!]! pageInfo: PageInfo! }
type SpaceUserEdge { cursor: String! node: SpaceUser! }
type SpaceUserConnection { edges: [SpaceUserEdge!]! pageInfo: PageInfo! }
type SamlIdPEdge { cursor: String! node: SamlIdP! }
type SamlIdPConnection { edges: [SamlIdPEdge!]! pageInfo: PageInfo! }

type Mutation {
  createOrganization(input: CreateOrganizationMutationInput!): CreateOrganizationMutationPayload
  createSpace(input: CreateSpaceMutationInput!): CreateSpaceMutationPayload
  updateSpace(input: UpdateSpaceMutationInput!): UpdateSpaceMutationPayload
  deleteSpace(input: DeleteSpaceMutationInput!): DeleteSpaceMutationPayload
  """Adds members or changes their roles; all items in one transaction (none is written when one fails)."""
  assignSpaceMembership(input: AssignSpaceMembershipMutationInput!): AssignSpaceMembershipMutationPayload
  removeSpaceMember(input: RemoveSpaceMemberMutationInput!): RemoveSpaceMemberMutationPayload
  createUserApiKey(input: CreateUserApiKeyMutationInput!): CreateUserApiKeyMutationPayload
  """A SERVICE key and its associated bot user."""
  createServiceApiKey(input: CreateServiceApiKeyMutationInput!): CreateServiceApiKeyMutationPayload
  revokeApiKey(input: RevokeApiKeyMutationInput!): RevokeApiKeyMutationPayload
  createSAMLIdP(input: CreateSAMLIdPMutationInput!): CreateSAMLIdPMutationPayload
  """Changes the fields given; roleMappings, when given, replaces the ordered rules. One transaction."""
  updateSAMLIdP(input: UpdateSAMLIdPMutationInput!): UpdateSAMLIdPMutationPayload
  deleteSAMLIdP(input: DeleteSAMLIdPMutationInput!): DeleteSAMLIdPMutationPayload
}

input CreateOrganizationMutationInput { clientMutationId: String name: String! description: String }
type CreateOrganizationMutationPayload { clientMutationId: String organization: AccountOrganization! }

input CreateSpaceMutationInput { clientMutationId: String accountOrganizationId: ID! name: String! private: Boolean description: String }
type CreateSpaceMutationPayload { clientMutationId: String space: Space! }

input UpdateSpaceMutationInput { clientMutationId: String spaceId: ID! name: String description: String private: Boolean }
type UpdateSpaceMutationPayload { clientMutationId: String space: Space! }

input DeleteSpaceMutationInput { clientMutationId: String spaceId: ID! }
type DeleteSpaceMutationPayload { clientMutationId: String }

"""Either role or customRoleId, not both."""
input SpaceMemberInput { userId: ID! spaceId: ID! role: SpaceRole customRoleId: ID }
input AssignSpaceMembershipMutationInput { clientMutationId: String spaceMemberships: [SpaceMemberInput!]! }
type AssignSpaceMembershipMutationPayload { clientMutationId: String spaceMemberships: [SpaceMembership!]! }

input RemoveSpaceMemberMutationInput { clientMutationId: String spaceId: ID! userId: ID! }
type RemoveSpaceMemberMutationPayload { clientMutationId: String }

input CreateUserApiKeyMutationInput { clientMutationId: String name: String! description: String expiresAt: DateTime }
type CreateUserApiKeyMutationPayload { clientMutationId: String apiKey: ApiKey! """The raw key, shown once.""" key: String! }

input ServiceKeySpaceInput { spaceId: ID! role: SpaceRole }
input ServiceKeyOrganizationInput { orgId: ID! role: OrganizationRole spaces: [ServiceKeySpaceInput!]! }
"""spaceId (one space, with the REST defaults) or organizations, not both."""
input CreateServiceApiKeyMutationInput {
  clientMutationId: String
  name: String!
  description: String
  expiresAt: DateTime
  spaceId: ID
  organizations: [ServiceKeyOrganizationInput!]
  accountRole: AccountRole
}
type CreateServiceApiKeyMutationPayload { clientMutationId: String apiKey: ApiKey! """The raw key, shown once.""" key: String! botUser: User! }

input RevokeApiKeyMutationInput { clientMutationId: String apiKeyId: ID! }
type RevokeApiKeyMutationPayload { clientMutationId: String apiKey: ApiKey! }

input SamlOrgRoleInput { orgId: ID! roleId: ID! }
"""A rule: maps of REST ids, as SamlRoleMapping shows them."""
input SamlRoleMappingInput {
  attributesMap: JSON!
  isAccountAdmin: Boolean
  orgRole: SamlOrgRoleInput
  spaceRolesMap: JSON
  spaceRbacRolesMap: JSON
  projectRbacRolesMap: JSON
}
"""metadataUrl or metadataXml."""
input CreateSAMLIdPMutationInput {
  clientMutationId: String
  name: String!
  emailDomains: [String!]!
  metadataUrl: String
  metadataXml: String
  defaultOrgId: ID
  defaultOrgRoleId: ID
  defaultSpaceId: ID
  defaultSpaceRoleId: ID
  syncUserRoles: Boolean
  signAuthn: Boolean
  allowOnlySsoLogins: Boolean
  allowDefaultLogin: Boolean
  roleMappings: [SamlRoleMappingInput!]
}
type CreateSAMLIdPMutationPayload { clientMutationId: String samlIdP: SamlIdP! }
input UpdateSAMLIdPMutationInput {
  clientMutationId: String
  samlIdPId: ID!
  name: String
  emailDomains: [String!]
  metadataUrl: String
  metadataXml: String
  defaultOrgId: ID
  defaultOrgRoleId: ID
  defaultSpaceId: ID
  defaultSpaceRoleId: ID
  syncUserRoles: Boolean
  signAuthn: Boolean
  allowOnlySsoLogins: Boolean
  allowDefaultLogin: Boolean
  """Replaces the provider's ordered rules (an empty list removes them all), in the same transaction as the other fields."""
  roleMappings: [SamlRoleMappingInput!]
}
type UpdateSAMLIdPMutationPayload { clientMutationId: String samlIdP: SamlIdP! }
input DeleteSAMLIdPMutationInput { clientMutationId: String samlIdPId: ID! }
type DeleteSAMLIdPMutationPayload { clientMutationId: String }
`;
