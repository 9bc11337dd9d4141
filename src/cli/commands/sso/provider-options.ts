import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type {
  CreateOidcIdentityProviderRequest, CreateSamlIdentityProviderRequest, UpdateOidcIdentityProviderRequest, UpdateSamlIdentityProviderRequest,
} from '../../../client/types.js';
import type { CommandContext } from '../../context.js';
import { FileError, UsageError } from '../../errors/cli-error.js';
import { collectList } from '../../options/values.js';
import { askSecret } from '../../prompts/ask.js';
import { canPrompt } from '../../prompts/tty.js';
import { GrantResolver } from './grants.js';
import { readMappings } from './mapping-options.js';
import type { Protocol } from './providers.js';

/** The client secret's environment variable: a secret is never a command-line argument (shell history, `ps`). */
const SECRET_ENV = 'AX_OIDC_CLIENT_SECRET';

export interface ProviderFlags {
  name?: string;
  emailDomain?: string[];
  enable?: boolean;
  disable?: boolean;
  allowOnlySso?: boolean;
  syncUserRoles?: boolean;
  defaultOrg?: string;
  defaultOrgRole?: string;
  defaultSpace?: string;
  defaultSpaceRole?: string;
  defaultLogin?: boolean;
  mappings?: string;
  // SAML
  metadataUrl?: string;
  metadataFile?: string;
  signAuthn?: boolean;
  allowIdpInitiated?: boolean;
  // OIDC
  issuer?: string;
  clientId?: string;
  clientSecretFile?: string;
  setClientSecret?: boolean;
  scopes?: string[];
  emailClaimPath?: string;
  nameClaimPath?: string;
  groupsClaimPath?: string;
  userinfo?: boolean;
}

const SAML_ONLY = ['metadataUrl', 'metadataFile', 'signAuthn', 'allowIdpInitiated'] as const;
const OIDC_ONLY = ['issuer', 'clientId', 'clientSecretFile', 'setClientSecret', 'scopes', 'emailClaimPath', 'nameClaimPath', 'groupsClaimPath', 'userinfo'] as const;

/**
 * The provider flags of identity.md §7.2 for `create` or `update`; `protocol` undefined (`ax sso providers`) adds the
 * flags of both protocols, and the command checks that only the chosen protocol's are used.
 */
export function withProviderOptions(cmd: Command, protocol: Protocol | undefined, forUpdate: boolean): Command {
  const name = '-n, --name <name>';
  if (forUpdate) cmd.option(name, 'new display name');
  else cmd.requiredOption(name, 'display name (unique in the account)');
  cmd
    .option('--email-domain <domain>', `an email domain whose users sign in through it (repeatable or comma-separated; unique across providers)${forUpdate ? '; replaces the current set' : ''}`, collectList)
    .option('--allow-only-sso', 'refuse password sign-in for users of its domains (needs an account-admin mapping)')
    .option('--no-allow-only-sso', 'allow password sign-in for users of its domains')
    .option('--sync-user-roles', 'recompute the grants it gave on each login (the default)')
    .option('--no-sync-user-roles', 'keep the grants given at the first login')
    .option('--default-org <org>', 'default login: organization for users no mapping matches (with the three other --default-* flags)')
    .option('--default-org-role <role>', 'default login: predefined organization role')
    .option('--default-space <space>', 'default login: space in the default organization')
    .option('--default-space-role <role>', 'default login: predefined or custom space role');
  if (forUpdate) {
    cmd
      .option('--no-default-login', 'turn default login off (users no mapping matches are refused)')
      .option('--enable', 'route sign-ins to it again')
      .option('--disable', 'stop routing sign-ins to it (its users cannot sign in through it)');
  } else {
    cmd
      .option('--disable', 'create it disabled')
      .option('--mappings <json-or-path>', 'initial role mappings: a JSON array (or a .json file) of rules in the API shape; names may stand for ids');
  }
  if (protocol !== 'OIDC') {
    cmd
      .option('--metadata-url <url>', `${protocol ? '' : 'SAML: '}the IdP's metadata URL (fetched by the server, refreshed hourly)`)
      .option('--metadata-file <path>', `${protocol ? '' : 'SAML: '}the IdP's metadata XML file`)
      .option('--sign-authn', `${protocol ? '' : 'SAML: '}sign AuthnRequests with the server's key`)
      .option('--no-sign-authn', `${protocol ? '' : 'SAML: '}send AuthnRequests unsigned`)
      .option('--allow-idp-initiated', `${protocol ? '' : 'SAML: '}accept IdP-initiated logins (no browser binding: a login-CSRF trade-off)`)
      .option('--no-allow-idp-initiated', `${protocol ? '' : 'SAML: '}refuse IdP-initiated logins`);
  }
  if (protocol !== 'SAML') {
    const p = protocol ? '' : 'OIDC: ';
    cmd
      .option('--issuer <url>', `${p}the OpenID Provider's issuer (discovery at {issuer}/.well-known/openid-configuration)`)
      .option('--client-id <id>', `${p}the client id registered at the provider`)
      .option('--client-secret-file <path>', `${p}read the client secret from this file (else ${SECRET_ENV}, else a prompt on a terminal)`);
    if (forUpdate) cmd.option('--set-client-secret', `${p}replace the client secret with ${SECRET_ENV} (or a prompt on a terminal)`);
    cmd
      .option('--scopes <scopes>', `${p}comma-separated scopes (default openid,email,profile; must include openid)`, collectList)
      .option('--email-claim-path <jmespath>', `${p}where the email is in the claims (default email)`)
      .option('--name-claim-path <jmespath>', `${p}where the name is in the claims (default name)`)
      .option('--groups-claim-path <jmespath>', `${p}where the groups are, e.g. groups or realm_access.roles${forUpdate ? ' ("none" clears it)' : ''}`)
      .option('--userinfo', `${p}read claims missing from the ID token from userinfo (the default)`)
      .option('--no-userinfo', `${p}use the ID token's claims only`);
  }
  return cmd;
}

/** Rejects the other protocol's flags on `ax sso providers create|update`. */
export function checkProtocolFlags(flags: ProviderFlags, protocol: Protocol): void {
  const foreign = protocol === 'SAML' ? OIDC_ONLY : SAML_ONLY;
  const used = foreign.filter((key) => flags[key] !== undefined);
  if (used.length > 0) {
    const names = used.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`${names.join(', ')} ${used.length === 1 ? 'is' : 'are'} not for ${protocol} providers`);
  }
}

/** The fields every protocol shares, from the flags given (undefined = not given). */
async function sharedFields(resolver: GrantResolver, flags: ProviderFlags, forUpdate: boolean) {
  const body: {
    name?: string; email_domains?: string[]; enabled?: boolean; allow_only_sso_logins?: boolean; sync_user_roles?: boolean;
    allow_default_login?: boolean; default_org_id?: string | null; default_org_role_id?: string | null;
    default_space_id?: string | null; default_space_role_id?: string | null;
  } = {};
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.emailDomain !== undefined) body.email_domains = flags.emailDomain;
  if (flags.enable && flags.disable) throw new UsageError('--enable and --disable exclude each other');
  if (flags.enable) body.enabled = true;
  if (flags.disable) body.enabled = false;
  if (flags.allowOnlySso !== undefined) body.allow_only_sso_logins = flags.allowOnlySso;
  if (flags.syncUserRoles !== undefined) body.sync_user_roles = flags.syncUserRoles;
  const defaults = [flags.defaultOrg, flags.defaultOrgRole, flags.defaultSpace, flags.defaultSpaceRole];
  const given = defaults.filter((value) => value !== undefined).length;
  if (forUpdate && flags.defaultLogin === false) {
    if (given > 0) throw new UsageError('--no-default-login and the --default-* flags exclude each other');
    Object.assign(body, { allow_default_login: false, default_org_id: null, default_org_role_id: null, default_space_id: null, default_space_role_id: null });
  } else if (given > 0) {
    if (given < 4) {
      throw new UsageError('default login needs all four of --default-org, --default-org-role, --default-space and --default-space-role');
    }
    const [orgId, orgRoleId, spaceId, spaceRoleId] = await Promise.all([
      resolver.organization(flags.defaultOrg!),
      resolver.role(flags.defaultOrgRole!, 'organization', '--default-org-role'),
      resolver.space(flags.defaultSpace!),
      resolver.role(flags.defaultSpaceRole!, 'space', '--default-space-role'),
    ]);
    Object.assign(body, { allow_default_login: true, default_org_id: orgId, default_org_role_id: orgRoleId, default_space_id: spaceId, default_space_role_id: spaceRoleId });
  }
  return body;
}

function readMetadataFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileError(`could not read --metadata-file ${path}: ${(error as Error).message}`, "Download the IdP's metadata XML first, or pass --metadata-url.");
  }
}

/** The client secret: from the file, else the environment, else a hidden prompt on a terminal (`required` refuses none). */
async function clientSecret(ctx: CommandContext, flags: ProviderFlags, required: boolean): Promise<string | undefined> {
  let secret: string | undefined;
  if (flags.clientSecretFile !== undefined) {
    try {
      secret = readFileSync(flags.clientSecretFile, 'utf8').trim();
    } catch (error) {
      throw new FileError(`could not read --client-secret-file ${flags.clientSecretFile}: ${(error as Error).message}`);
    }
    if (secret === '') throw new UsageError(`--client-secret-file ${flags.clientSecretFile} is empty`);
    return secret;
  }
  secret = ctx.env[SECRET_ENV] || undefined;
  if (secret !== undefined) return secret;
  if (canPrompt()) {
    secret = (await askSecret('Client secret (leave empty for none):')).trim() || undefined;
    if (secret !== undefined || !required) return secret;
  }
  if (required) {
    throw new UsageError('no client secret given', `Pass --client-secret-file PATH or set ${SECRET_ENV} (a secret is never a command-line argument).`);
  }
  return undefined;
}

export async function samlCreateBody(ctx: CommandContext, flags: ProviderFlags): Promise<CreateSamlIdentityProviderRequest> {
  const resolver = new GrantResolver(ctx.client);
  if (!flags.emailDomain || flags.emailDomain.length === 0) throw new UsageError('a provider needs at least one --email-domain');
  if ((flags.metadataUrl === undefined) === (flags.metadataFile === undefined)) {
    throw new UsageError('pass exactly one of --metadata-url and --metadata-file');
  }
  const shared = await sharedFields(resolver, flags, false);
  return {
    ...shared,
    name: flags.name!,
    email_domains: flags.emailDomain,
    ...(flags.metadataUrl === undefined ? { metadata_xml: readMetadataFile(flags.metadataFile!) } : { metadata_url: flags.metadataUrl }),
    ...(flags.signAuthn === undefined ? {} : { sign_authn: flags.signAuthn }),
    ...(flags.allowIdpInitiated === undefined ? {} : { allow_idp_initiated: flags.allowIdpInitiated }),
    ...(flags.mappings === undefined ? {} : { role_mappings: await readMappings(resolver, flags.mappings) }),
  };
}

export async function samlUpdateBody(ctx: CommandContext, flags: ProviderFlags): Promise<UpdateSamlIdentityProviderRequest> {
  if (flags.metadataUrl !== undefined && flags.metadataFile !== undefined) throw new UsageError('pass one of --metadata-url and --metadata-file');
  const body: UpdateSamlIdentityProviderRequest = await sharedFields(new GrantResolver(ctx.client), flags, true);
  if (flags.metadataUrl !== undefined) body.metadata_url = flags.metadataUrl;
  if (flags.metadataFile !== undefined) body.metadata_xml = readMetadataFile(flags.metadataFile);
  if (flags.signAuthn !== undefined) body.sign_authn = flags.signAuthn;
  if (flags.allowIdpInitiated !== undefined) body.allow_idp_initiated = flags.allowIdpInitiated;
  return nonEmpty(body);
}

export async function oidcCreateBody(ctx: CommandContext, flags: ProviderFlags): Promise<CreateOidcIdentityProviderRequest> {
  const resolver = new GrantResolver(ctx.client);
  if (!flags.emailDomain || flags.emailDomain.length === 0) throw new UsageError('a provider needs at least one --email-domain');
  if (flags.issuer === undefined || flags.clientId === undefined) throw new UsageError('an OIDC provider needs --issuer and --client-id');
  const shared = await sharedFields(resolver, flags, false);
  const secret = await clientSecret(ctx, flags, false);
  return {
    ...shared,
    name: flags.name!,
    email_domains: flags.emailDomain,
    issuer: flags.issuer,
    client_id: flags.clientId,
    ...(secret === undefined ? {} : { client_secret: secret }),
    ...oidcFields(flags, false),
    ...(flags.mappings === undefined ? {} : { role_mappings: await readMappings(resolver, flags.mappings) }),
  };
}

export async function oidcUpdateBody(ctx: CommandContext, flags: ProviderFlags): Promise<UpdateOidcIdentityProviderRequest> {
  const body: UpdateOidcIdentityProviderRequest = await sharedFields(new GrantResolver(ctx.client), flags, true);
  if (flags.issuer !== undefined) body.issuer = flags.issuer;
  if (flags.clientId !== undefined) body.client_id = flags.clientId;
  if (flags.clientSecretFile !== undefined || flags.setClientSecret) body.client_secret = await clientSecret(ctx, flags, true);
  return nonEmpty({ ...body, ...oidcFields(flags, true) });
}

function oidcFields(flags: ProviderFlags, forUpdate: boolean): UpdateOidcIdentityProviderRequest {
  const body: UpdateOidcIdentityProviderRequest = {};
  if (flags.scopes !== undefined) body.scopes = flags.scopes;
  if (flags.emailClaimPath !== undefined) body.email_claim_path = flags.emailClaimPath;
  if (flags.nameClaimPath !== undefined) body.name_claim_path = flags.nameClaimPath;
  if (flags.groupsClaimPath !== undefined) body.groups_claim_path = forUpdate && flags.groupsClaimPath.toLowerCase() === 'none' ? null : flags.groupsClaimPath;
  if (flags.userinfo !== undefined) body.use_userinfo = flags.userinfo;
  return body;
}

function nonEmpty<T extends object>(body: T): T {
  if (Object.keys(body).length === 0) throw new UsageError('nothing to update', 'Pass the flags to change (see --help).');
  return body;
}
