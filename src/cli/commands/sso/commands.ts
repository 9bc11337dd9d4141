import type { Command } from 'commander';
import type {
  OidcIdentityProvider, OidcIdentityProviderList, RoleMapping, RoleMappingList, SamlIdentityProvider, SamlIdentityProviderList,
} from '../../../client/types.js';
import { action } from '../../action.js';
import type { CommandContext } from '../../context.js';
import { UsageError } from '../../errors/cli-error.js';
import { fetchList, printList } from '../../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../../options/common.js';
import { enumOption } from '../../options/enums.js';
import { confirmDestructive } from '../../prompts/confirm.js';
import { resolveUserId } from '../../resolve/resources.js';
import { GrantResolver } from './grants.js';
import { attributeValues, collectRaw, createMappingBody, updateMappingBody, withMappingOptions, type MappingFlags } from './mapping-options.js';
import {
  checkProtocolFlags, oidcCreateBody, oidcUpdateBody, samlCreateBody, samlUpdateBody, withProviderOptions, type ProviderFlags,
} from './provider-options.js';
import { PROTOCOL_INFO, PROTOCOLS, resolveMapping, resolveProvider, resourceFor, type FoundProvider, type Protocol } from './providers.js';
import { grantColumns, grantIds, mappingColumns, mappingIds, NameBook, providerColumns, type ProviderRow } from './views.js';

/**
 * The SSO administration commands, built once for both spellings (identity.md §7.2): the issue's noun-verb
 * commands (`ax saml-identity-providers …`, protocol fixed, `--idp`) and the spec's `ax sso …` tree (either protocol,
 * `--provider`). Every handler here serves both.
 */
export interface Spelling {
  /** Fixed for the noun-verb commands; undefined under `ax sso` (ids say theirs, names are looked up in both lists). */
  protocol: Protocol | undefined;
  /** `--idp` (noun-verb) or `--provider` (`ax sso`). */
  providerFlag: '--idp' | '--provider';
  /** `create`/`delete` (noun-verb) or `add`/`remove` (`ax sso role-mappings`). */
  mappingVerbs: { create: string; delete: string };
}

type FullProvider = SamlIdentityProvider | OidcIdentityProvider;

function providerOf(ctx: CommandContext, spelling: Spelling, input: string): Promise<FoundProvider> {
  return resolveProvider(ctx.client, input, spelling.protocol);
}

/** The provider named by `--idp`/`--provider`. */
function providerOption(ctx: CommandContext, spelling: Spelling): Promise<FoundProvider> {
  const { idp, provider } = ctx.opts<{ idp?: string; provider?: string }>();
  return providerOf(ctx, spelling, (spelling.providerFlag === '--idp' ? idp : provider)!);
}

/** Prints a full provider: its fields as a panel (no metadata XML: `-o json` has it), then its rules as a table. */
async function printProvider(ctx: CommandContext, provider: FullProvider): Promise<void> {
  if (!ctx.printer.isTable) {
    ctx.printer.object(provider);
    return;
  }
  ctx.printer.object(provider, { omit: ['metadata_xml', 'role_mappings'] });
  ctx.printer.line();
  ctx.printer.line(ctx.printer.style.bold('role mappings:'));
  await printMappings(ctx, provider.role_mappings, { role_mappings: provider.role_mappings });
}

async function printMappings(ctx: CommandContext, mappings: readonly RoleMapping[], response: object, nextCursor?: string): Promise<void> {
  const book = ctx.printer.isTable ? await NameBook.of(ctx.client, mappingIds(mappings)) : await NameBook.of(ctx.client, []);
  ctx.printer.list({ response, items: mappings, columns: mappingColumns(book), noun: 'role mappings', nextCursor });
}

async function printMapping(ctx: CommandContext, mapping: RoleMapping): Promise<void> {
  if (!ctx.printer.isTable) {
    ctx.printer.object(mapping);
    return;
  }
  const book = await NameBook.of(ctx.client, mappingIds([mapping]));
  const columns = mappingColumns(book);
  ctx.printer.object(Object.fromEntries(columns.map((c) => [c.header.toLowerCase().replace(/ /g, '_'), c.value(mapping)])));
}

// ---- providers ---------------------------------------------------------------------------------------------------

export function addProviderCommands(parent: Command, spelling: Spelling): void {
  const { protocol } = spelling;
  const what = protocol ? `${protocol} identity provider` : 'identity provider';
  const idpArg = (cmd: Command) => cmd.argument('<provider>', `${what} name or id`);

  const list = listCommand(parent, 'list', `List ${what}s`);
  if (!protocol) list.addOption(enumOption('--protocol <protocol>', 'only providers of this protocol', PROTOCOLS));
  list.action(action(async (ctx) => {
    const chosen = protocol ?? ctx.opts<{ protocol?: Protocol }>().protocol;
    if (chosen === 'SAML') {
      await printList<ProviderRow, SamlIdentityProviderList>(ctx, { key: PROTOCOL_INFO.SAML.listKey, noun: 'SAML identity providers', columns: providerColumns(false) },
        (page) => ctx.client.samlIdentityProviders.list(page));
      return;
    }
    if (chosen === 'OIDC') {
      await printList<ProviderRow, OidcIdentityProviderList>(ctx, { key: PROTOCOL_INFO.OIDC.listKey, noun: 'OIDC identity providers', columns: providerColumns(false) },
        (page) => ctx.client.oidcIdentityProviders.list(page));
      return;
    }
    const columns = providerColumns(true);
    // Both protocols: each list up to --limit; json/yaml print both API answers side by side.
    if (ctx.opts().cursor !== undefined) throw new UsageError('--cursor needs --protocol (each protocol pages separately)');
    const [saml, oidc] = await Promise.all([
      fetchList<ProviderRow, SamlIdentityProviderList>(ctx, PROTOCOL_INFO.SAML.listKey, (page) => ctx.client.samlIdentityProviders.list(page)),
      fetchList<ProviderRow, OidcIdentityProviderList>(ctx, PROTOCOL_INFO.OIDC.listKey, (page) => ctx.client.oidcIdentityProviders.list(page)),
    ]);
    const items = [...saml.items.map((p) => ({ ...p, protocol: 'SAML' as const })), ...oidc.items.map((p) => ({ ...p, protocol: 'OIDC' as const }))];
    ctx.printer.list({ items, columns, noun: 'identity providers', response: { ...saml.response, ...oidc.response } });
    if ((saml.nextCursor || oidc.nextCursor) && ctx.printer.isTable) {
      ctx.printer.line(ctx.printer.style.dim('More identity providers available: add --protocol saml|oidc to page through one protocol, or --all.'));
    }
  }));

  idpArg(serverCommand(parent, 'get', `Show a ${what}: its configuration, what to give the IdP admin, and its role mappings`))
    .action(action(async (ctx, input: string) => {
      const found = await providerOf(ctx, spelling, input);
      await printProvider(ctx, await resourceFor(ctx.client, found.protocol).get(found.id));
    }));

  const create = serverCommand(parent, 'create', `Create a ${what}`);
  if (!protocol) create.addOption(enumOption('--protocol <protocol>', 'saml or oidc', PROTOCOLS).makeOptionMandatory());
  withProviderOptions(create, protocol, false).action(action(async (ctx) => {
    const flags = ctx.opts<ProviderFlags & { protocol?: Protocol }>();
    const chosen = (protocol ?? flags.protocol)!;
    checkProtocolFlags(flags, chosen);
    const created = chosen === 'SAML'
      ? await ctx.client.samlIdentityProviders.create(await samlCreateBody(ctx, flags))
      : await ctx.client.oidcIdentityProviders.create(await oidcCreateBody(ctx, flags));
    await printProvider(ctx, created);
  }));

  withProviderOptions(idpArg(serverCommand(parent, 'update', `Change a ${what} (only the flags given)`)), protocol, true)
    .action(action(async (ctx, input: string) => {
      const flags = ctx.opts<ProviderFlags>();
      const found = await providerOf(ctx, spelling, input);
      checkProtocolFlags(flags, found.protocol);
      const updated = found.protocol === 'SAML'
        ? await ctx.client.samlIdentityProviders.update(found.id, await samlUpdateBody(ctx, flags))
        : await ctx.client.oidcIdentityProviders.update(found.id, await oidcUpdateBody(ctx, flags));
      await printProvider(ctx, updated);
    }));

  idpArg(destructiveCommand(parent, 'delete', `Delete a ${what}; the grants it gave stay, as manual grants`))
    .action(action(async (ctx, input: string) => {
      const found = await providerOf(ctx, spelling, input);
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete ${found.protocol} identity provider ${found.name}`,
        declined: `Identity provider ${found.name} not deleted.`,
        consequences: async () => {
          const full = await resourceFor(ctx.client, found.protocol).get(found.id);
          const scim = await ctx.client.scimTokens.status(found.protocol, found.id);
          return [
            `its email domains are freed (${full.email_domains.map((d) => d.domain).join(', ')}) and its ${full.role_mappings.length} role mappings deleted`,
            "every user's link to it is removed: they can no longer sign in through it (users without a password need a reset)",
            'every grant it gave (memberships, role bindings, account admin) becomes a manual grant: users keep their access',
            ...(full.allow_only_sso_logins ? ['password sign-in is allowed again for its domains'] : []),
            ...(scim.live_tokens > 0 || scim.groups > 0
              ? [`its directory stops provisioning: ${scim.live_tokens} SCIM token(s) revoked, ${scim.groups} SCIM group(s) deleted`]
              : []),
          ];
        },
      });
      if (!proceed) return;
      await resourceFor(ctx.client, found.protocol).delete(found.id);
      ctx.printer.success(`Deleted ${found.protocol} identity provider ${found.name} (${found.id}); its grants are manual now`);
    }));
}

// ---- role mappings -----------------------------------------------------------------------------------------------

export function addMappingCommands(parent: Command, spelling: Spelling): void {
  const flag = spelling.providerFlag;
  const providerText = `${spelling.protocol ?? 'identity'}${spelling.protocol ? ' identity' : ''} provider (name or id)`;
  const withProvider = (cmd: Command) => cmd.requiredOption(`${flag} <provider>`, providerText);
  const mappingArg = (cmd: Command) => cmd.argument('<mapping>', 'role mapping id, or its position (1 = first)');

  withProvider(listCommand(parent, 'list', 'List the role mappings of a provider, in configuration order'))
    .action(action(async (ctx) => {
      const found = await providerOption(ctx, spelling);
      const { response, items, nextCursor } = await fetchList<RoleMapping, RoleMappingList>(ctx, 'role_mappings', (page) =>
        resourceFor(ctx.client, found.protocol).listRoleMappings(found.id, page));
      await printMappings(ctx, items, response, nextCursor);
    }));

  mappingArg(withProvider(serverCommand(parent, 'get', 'Show a role mapping')))
    .action(action(async (ctx, mapping: string) => {
      const found = await providerOption(ctx, spelling);
      await printMapping(ctx, await resolveMapping(ctx.client, found, mapping));
    }));

  withMappingOptions(withProvider(serverCommand(parent, spelling.mappingVerbs.create, 'Add a role mapping rule: attribute matches and the grants they give')), false)
    .action(action(async (ctx) => {
      const found = await providerOption(ctx, spelling);
      const body = await createMappingBody(new GrantResolver(ctx.client), ctx.opts<MappingFlags>());
      await printMapping(ctx, await resourceFor(ctx.client, found.protocol).createRoleMapping(found.id, body));
    }));

  withMappingOptions(mappingArg(withProvider(serverCommand(parent, 'update', 'Change a role mapping (only the flags given; --position moves it)'))), true)
    .action(action(async (ctx, mapping: string) => {
      const found = await providerOption(ctx, spelling);
      const body = await updateMappingBody(new GrantResolver(ctx.client), ctx.opts<MappingFlags>());
      const { id } = await resolveMapping(ctx.client, found, mapping);
      await printMapping(ctx, await resourceFor(ctx.client, found.protocol).updateRoleMapping(found.id, id, body));
    }));

  mappingArg(withProvider(destructiveCommand(parent, spelling.mappingVerbs.delete, 'Delete a role mapping (grants it gave go at each user\'s next login, when sync is on)')))
    .action(action(async (ctx, mapping: string) => {
      const found = await providerOption(ctx, spelling);
      const rule = await resolveMapping(ctx.client, found, mapping);
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete role mapping #${rule.position} of ${found.name}`,
        declined: `Role mapping #${rule.position} not deleted.`,
        consequences: async () => [
          'the rules after it move up one place',
          `with sync on, the grants it gave are removed at each user's next login through ${found.name}`,
        ],
      });
      if (!proceed) return;
      await resourceFor(ctx.client, found.protocol).deleteRoleMapping(found.id, rule.id);
      ctx.printer.success(`Deleted role mapping #${rule.position} (${rule.id}) of ${found.name}`);
    }));
}

// ---- evaluate, explain, sp-info ----------------------------------------------------------------------------------

export function addEvaluateCommand(parent: Command, spelling: Spelling): Command {
  return serverCommand(parent, 'evaluate', "Dry-run a provider's role mappings for some attributes (nothing is written)")
    .requiredOption(`${spelling.providerFlag} <provider>`, 'identity provider name or id')
    .option('--attribute <name=value>', 'an asserted attribute, e.g. group=my-admins (repeat a name for several values)', collectRaw)
    .option('--user <user>', 'evaluate as for this user (id or email): the grants they already hold count')
    .action(action(async (ctx) => {
      const { attribute, user } = ctx.opts<{ attribute?: string[]; user?: string }>();
      const found = await providerOption(ctx, spelling);
      const body = {
        attributes: attributeValues(attribute ?? []),
        ...(user === undefined ? {} : { user_id: await resolveUserId(ctx.client, user) }),
      };
      const result = await resourceFor(ctx.client, found.protocol).evaluate(found.id, body);
      if (!ctx.printer.isTable) {
        ctx.printer.object(result);
        return;
      }
      const matched = result.matched.length;
      ctx.printer.line(`${matched === 0 ? 'No rule matches' : `${matched} rule${matched === 1 ? '' : 's'} match${matched === 1 ? 'es' : ''}`}${result.defaults_used ? '; the default login applies' : ''}.`);
      const book = await NameBook.of(ctx.client, grantIds(result.grants));
      ctx.printer.list({ response: result, items: result.grants, columns: grantColumns(book), noun: 'grants' });
    }));
}

export function addExplainCommand(parent: Command, spelling: Spelling): Command {
  return serverCommand(parent, 'explain', "A user's link to a provider: the attributes of their last login and the grants they map to now")
    .requiredOption(`${spelling.providerFlag} <provider>`, 'identity provider name or id')
    .requiredOption('--user <user>', 'user id or email')
    .action(action(async (ctx) => {
      const found = await providerOption(ctx, spelling);
      const userId = await resolveUserId(ctx.client, ctx.opts<{ user: string }>().user);
      const link = await resourceFor(ctx.client, found.protocol).getIdentityLink(found.id, userId);
      if (!ctx.printer.isTable) {
        ctx.printer.object(link);
        return;
      }
      ctx.printer.object({ provider: `${found.name} (${found.protocol})`, user_id: link.user_id, subject: link.subject, last_login_at: link.last_login_at });
      ctx.printer.line();
      ctx.printer.line(ctx.printer.style.bold('last asserted attributes:'));
      const attributes = Object.entries(link.last_attributes);
      if (attributes.length === 0) ctx.printer.line('(none)');
      for (const [name, values] of attributes) ctx.printer.line(`  ${name} = ${values.join(', ')}`);
      ctx.printer.line();
      const { matched, defaults_used: defaults, grants } = link.evaluation;
      ctx.printer.line(ctx.printer.style.bold(`what they map to now (${matched.length} matching rule${matched.length === 1 ? '' : 's'}${defaults ? ', default login' : ''}):`));
      const book = await NameBook.of(ctx.client, grantIds(grants));
      ctx.printer.list({ response: link, items: grants, columns: grantColumns(book), noun: 'grants' });
    }));
}

export function addSpInfoCommand(parent: Command): Command {
  return serverCommand(parent, 'sp-info', "This server's SAML EntityID, ACS and metadata URL, and the OIDC redirect URI, to give an IdP admin")
    .action(action(async (ctx) => {
      ctx.printer.object(await ctx.client.sso.serviceProvider());
    }));
}
