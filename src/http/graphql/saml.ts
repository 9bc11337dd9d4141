import { Type } from '@sinclair/typebox';
import type { GraphQLResolveInfo } from 'graphql';
import { badRequest } from '../../domain/errors.js';
import { parseId } from '../../domain/ids.js';
import type { MappingInput } from '../../services/identity-providers/mapping-rules.js';
import { createProvider, deleteProvider, getProvider, listProviders, type ProviderView, updateProvider } from '../../services/identity-providers/providers.js';
import { listRoleMappings } from '../../services/identity-providers/role-mappings.js';
import { getSamlRoleMapping } from '../../services/reads-by-id.js';
import type { RoleMappingRow } from '../../store/schema.js';
import { presentRoleMapping, presentSamlProvider, presentSamlProviderSummary } from '../presenters/identity-providers.js';
import { type ConnectionArgs, connection, pageQuery } from './connections.js';
import { actorFor, type GraphqlContext } from './context.js';
import { accountId } from './presenters.js';
import { rolesOf } from './roles.js';
import { traceServices } from '../tracing/service-tracing.js';
import { CreateSamlIdentityProviderBody, UpdateSamlIdentityProviderBody } from '../../wire/identity-providers.js';
import { checkedRestBody } from './rest-body.js';

const providersService = traceServices('identity-providers/providers', { createProvider, deleteProvider, getProvider, listProviders, updateProvider });
const roleMappingsService = traceServices('identity-providers/role-mappings', { listRoleMappings });
const readsByIdService = traceServices('reads-by-id', { getSamlRoleMapping });


/**
 * SAML identity providers as Arize's admin GraphQL API shows them (`allSamlIdPs`, `createSAMLIdP`), over the
 * services of `/v2/saml-identity-providers`. The ids are the REST ids; the role maps carry REST ids.
 */
function gqlSamlIdP(view: ProviderView, accountN: number) {
  const wire = view.mappings === undefined ? presentSamlProviderSummary(view) : presentSamlProvider(view);
  return {
    __typename: 'SamlIdP' as const, id: wire.id, name: wire.name, accountId: accountId(accountN),
    emailDomainsList: wire.email_domains.map((d) => ({ id: Buffer.from(`SamlEmailDomain:${d.domain}`).toString('base64'), domain: d.domain, validated: d.validated })),
    metadataUrl: wire.metadata_url, metadataXml: view.row.metadata_xml,
    defaultOrgId: wire.default_org_id, defaultOrgRoleId: wire.default_org_role_id, defaultSpaceId: wire.default_space_id, defaultSpaceRoleId: wire.default_space_role_id,
    syncUserRoles: wire.sync_user_roles, signAuthn: wire.sign_authn, allowOnlySsoLogins: wire.allow_only_sso_logins, allowDefaultLogin: wire.allow_default_login,
    isManagedByFile: wire.is_managed_by_file, deletedAt: null, mappings: view.mappings,
  };
}
type GqlSamlIdP = ReturnType<typeof gqlSamlIdP>;

/** A rule, its space grants split as Arize shows them: predefined roles in spaceRolesMap, custom ones in spaceRbacRolesMap. */
async function gqlRoleMapping(row: RoleMappingRow, context: GraphqlContext) {
  const wire = presentRoleMapping(row);
  const roles = await rolesOf(context);
  const predefined = (roleId: string) => roles.get(parseId(roleId)!.n)?.predefined_key != null;
  const map = (entries: { key: string; role_id: string }[]) => Object.fromEntries(entries.map((e) => [e.key, e.role_id]));
  const spaces = wire.space_roles.map((s) => ({ key: s.space_id, role_id: s.role_id }));
  return {
    __typename: 'SamlRoleMapping' as const, id: wire.id, attributesMap: wire.attributes_map, isAccountAdmin: wire.is_account_admin,
    orgRole: wire.org_role === null ? null : { orgId: wire.org_role.org_id, roleId: wire.org_role.role_id },
    spaceRolesMap: map(spaces.filter((s) => predefined(s.role_id))),
    spaceRbacRolesMap: map(spaces.filter((s) => !predefined(s.role_id))),
    projectRbacRolesMap: map(wire.project_roles.map((p) => ({ key: p.project_id, role_id: p.role_id }))),
  };
}

/** An object of strings (the maps of a rule), else VALIDATION_FAILED naming the field. */
function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw badRequest(`${field}: must be a JSON object of strings`);
  }
  return value as Record<string, string>;
}

interface RoleMappingInput {
  attributesMap: unknown; isAccountAdmin?: boolean | null; orgRole?: { orgId: string; roleId: string } | null;
  spaceRolesMap?: unknown; spaceRbacRolesMap?: unknown; projectRbacRolesMap?: unknown;
}

function mappingInput(rule: RoleMappingInput, field: string): MappingInput {
  const spaces = { ...stringMap(rule.spaceRolesMap, `${field}.spaceRolesMap`), ...stringMap(rule.spaceRbacRolesMap, `${field}.spaceRbacRolesMap`) };
  return {
    attributes_map: stringMap(rule.attributesMap, `${field}.attributesMap`),
    is_account_admin: rule.isAccountAdmin ?? undefined,
    org_role: rule.orgRole == null ? null : { org_id: rule.orgRole.orgId, role_id: rule.orgRole.roleId },
    space_roles: Object.entries(spaces).map(([space_id, role_id]) => ({ space_id, role_id })),
    project_roles: Object.entries(stringMap(rule.projectRbacRolesMap, `${field}.projectRbacRolesMap`)).map(([project_id, role_id]) => ({ project_id, role_id })),
  };
}

interface ProviderFields {
  name?: string | null; emailDomains?: string[] | null; metadataUrl?: string | null; metadataXml?: string | null;
  defaultOrgId?: string | null; defaultOrgRoleId?: string | null; defaultSpaceId?: string | null; defaultSpaceRoleId?: string | null;
  syncUserRoles?: boolean | null; signAuthn?: boolean | null; allowOnlySsoLogins?: boolean | null; allowDefaultLogin?: boolean | null;
}

/** The REST body of a provider change (absent fields stay absent; an explicit null clears a default). */
function providerInput(input: ProviderFields) {
  const given = <T>(value: T | null | undefined) => value ?? undefined;
  return {
    name: given(input.name), email_domains: given(input.emailDomains), metadata_url: given(input.metadataUrl), metadata_xml: given(input.metadataXml),
    default_org_id: input.defaultOrgId, default_org_role_id: input.defaultOrgRoleId, default_space_id: input.defaultSpaceId, default_space_role_id: input.defaultSpaceRoleId,
    sync_user_roles: given(input.syncUserRoles), sign_authn: given(input.signAuthn), allow_only_sso_logins: given(input.allowOnlySsoLogins), allow_default_login: given(input.allowDefaultLogin),
  };
}

/** `node(id:)` on a SAML provider id: the provider as REST's GET answers it, with its rules (account admins). */
export async function samlIdPNode(context: GraphqlContext, id: string) {
  return gqlSamlIdP(await providersService.getProvider(context.deps, context.principal, 'SAML', id), context.principal.accountId);
}

/** `node(id:)` on a rule id: the rule of a SAML provider as REST's read answers it (account admins). */
export async function samlRoleMappingNode(context: GraphqlContext, id: string) {
  return gqlRoleMapping(await readsByIdService.getSamlRoleMapping(context.deps, context.principal, id), context);
}

interface Args<T> { input: T & { clientMutationId?: string | null } }

/** REST's PATCH body plus the ordered rules updateSAMLIdP may replace in the same call (bounded as POST bounds them). */
const UpdateSamlIdPBody = Type.Object({
  ...UpdateSamlIdentityProviderBody.properties, role_mappings: CreateSamlIdentityProviderBody.properties.role_mappings,
}, { additionalProperties: false });

/** REST's field names as the GraphQL input spells them, for VALIDATION_FAILED details. */
const graphqlNames: Readonly<Record<string, string>> = {
  email_domains: 'emailDomains', metadata_url: 'metadataUrl', metadata_xml: 'metadataXml',
  default_org_id: 'defaultOrgId', default_org_role_id: 'defaultOrgRoleId', default_space_id: 'defaultSpaceId', default_space_role_id: 'defaultSpaceRoleId',
  sync_user_roles: 'syncUserRoles', sign_authn: 'signAuthn', allow_only_sso_logins: 'allowOnlySsoLogins', allow_default_login: 'allowDefaultLogin',
  role_mappings: 'roleMappings', attributes_map: 'attributesMap', is_account_admin: 'isAccountAdmin', org_role: 'orgRole', org_id: 'orgId', role_id: 'roleId',
};

export const samlResolvers = {
  Account: {
    allSamlIdPs: async (account: { n: number }, args: ConnectionArgs, context: GraphqlContext) => {
      const page = await providersService.listProviders(context.deps, context.principal, 'SAML', pageQuery(args));
      return connection(context.deps.secrets.cursorKey, 'saml-identity-providers', page, (v) => v.row.id, (v) => gqlSamlIdP(v, account.n));
    },
  },
  SamlIdP: {
    /** A list entry carries no rules: they are read through the role-mapping list (100 at a time). */
    roleMappings: async (idp: GqlSamlIdP, _args: unknown, context: GraphqlContext) => {
      let rows = idp.mappings;
      if (rows === undefined) {
        rows = [];
        let cursor: string | undefined;
        do {
          const page = await roleMappingsService.listRoleMappings(context.deps, context.principal, 'SAML', idp.id, { limit: 100, cursor });
          rows.push(...page.items);
          cursor = page.pagination.next_cursor;
        } while (cursor !== undefined);
      }
      return Promise.all(rows.map((row) => gqlRoleMapping(row, context)));
    },
  },
  Mutation: {
    createSAMLIdP: async (_root: unknown, { input }: Args<ProviderFields & { name: string; emailDomains: string[]; roleMappings?: RoleMappingInput[] | null }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      // Checked before the service runs: it would fetch metadataUrl first (REST's route validates before that too).
      const body = checkedRestBody(CreateSamlIdentityProviderBody, {
        ...providerInput(input), name: input.name, email_domains: input.emailDomains,
        role_mappings: input.roleMappings?.map((rule, i) => mappingInput(rule, `roleMappings[${i}]`)),
      }, graphqlNames);
      const view = await providersService.createProvider(context.deps, actorFor(context, info), 'SAML', body);
      return { clientMutationId: input.clientMutationId ?? null, samlIdP: gqlSamlIdP(view, context.principal.accountId) };
    },
    updateSAMLIdP: async (_root: unknown, { input }: Args<ProviderFields & { samlIdPId: string; roleMappings?: RoleMappingInput[] | null }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      const body = Object.fromEntries(Object.entries({
        ...providerInput(input), role_mappings: input.roleMappings?.map((rule, i) => mappingInput(rule, `roleMappings[${i}]`)),
      }).filter(([, value]) => value !== undefined));
      if (Object.keys(body).length === 0) throw badRequest('input: at least one field to update is required');
      const checked = checkedRestBody(UpdateSamlIdPBody, body as Parameters<typeof updateProvider>[4], graphqlNames);
      const view = await providersService.updateProvider(context.deps, actorFor(context, info), 'SAML', input.samlIdPId, checked);
      return { clientMutationId: input.clientMutationId ?? null, samlIdP: gqlSamlIdP(view, context.principal.accountId) };
    },
    deleteSAMLIdP: async (_root: unknown, { input }: Args<{ samlIdPId: string }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      await providersService.deleteProvider(context.deps, actorFor(context, info), 'SAML', input.samlIdPId);
      return { clientMutationId: input.clientMutationId ?? null };
    },
  },
};
