import type { Command } from 'commander';
import type { CreatedScimToken, ScimToken, ScimTokenList } from '../../../client/types.js';
import { action } from '../../action.js';
import type { CommandContext } from '../../context.js';
import { FileError } from '../../errors/cli-error.js';
import { printList } from '../../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../../options/common.js';
import { parseInstant } from '../../options/values.js';
import type { Column } from '../../output/printer.js';
import { confirmDestructive } from '../../prompts/confirm.js';
import { writeSecretToEnvFile } from '../api-keys/env-file.js';
import { resolveProvider, type FoundProvider } from './providers.js';

/** The variable `--env-file` writes: what a script that configures the directory reads. */
const TOKEN_VARIABLE = 'AX_SCIM_TOKEN';

const TOKEN_COLUMNS: readonly Column<ScimToken>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name, shrinkable: true },
  { header: 'TOKEN', value: (t) => t.redacted_token },
  { header: 'EXPIRES AT', value: (t) => t.expires_at ?? 'never' },
  { header: 'LAST USED AT', value: (t) => t.last_used_at },
  { header: 'CREATED AT', value: (t) => t.created_at },
];

function withProvider(cmd: Command): Command {
  return cmd.requiredOption('--provider <provider>', 'the identity provider (SAML or OIDC) whose directory uses the token: name or id');
}

function providerOf(ctx: CommandContext): Promise<FoundProvider> {
  return resolveProvider(ctx.client, ctx.opts<{ provider: string }>().provider);
}

/**
 * `ax sso scim-tokens create|list|revoke --provider P` (identity.md §5.1): the bearer tokens a directory (Okta,
 * Entra ID) provisions users and groups with, at most 5 live ones per provider so that rotation overlaps.
 */
export function addScimTokenCommands(parent: Command): void {
  withProvider(serverCommand(parent, 'create', "Create a SCIM token for a provider's directory (shown once)"))
    .option('-n, --name <name>', 'a name saying which directory uses it (default: "SCIM token")')
    .option('--expires-at <time>', 'ISO 8601 expiry; UTC when no offset is given (default: never)')
    // Node 20 itself reads an `--env-file` argument anywhere on its command line, and exits (9) when that file is missing.
    .option('--env-file <path>', `write ${TOKEN_VARIABLE}=<token> to this file (mode 0600) instead of printing the token (on Node 20, create the file first)`)
    .action(action(async (ctx) => {
      const flags = ctx.opts<{ name?: string; expiresAt?: string; envFile?: string }>();
      const provider = await providerOf(ctx);
      const created = await ctx.client.scimTokens.create(provider.protocol, provider.id, {
        ...(flags.name === undefined ? {} : { name: flags.name }),
        ...(flags.expiresAt === undefined ? {} : { expires_at: parseInstant(flags.expiresAt, '--expires-at') }),
      });
      await deliverToken(ctx, provider, created, flags.envFile);
    }));

  withProvider(listCommand(parent, 'list', "List a provider's SCIM tokens (not the revoked ones; never the tokens themselves)"))
    .action(action(async (ctx) => {
      const provider = await providerOf(ctx);
      await printList<ScimToken, ScimTokenList>(ctx, { key: 'scim_tokens', noun: 'SCIM tokens', columns: TOKEN_COLUMNS }, (page) =>
        ctx.client.scimTokens.list(provider.protocol, provider.id, page));
    }));

  withProvider(destructiveCommand(parent, 'revoke', 'Revoke a SCIM token: the directory using it is refused from now on'))
    .argument('<token-id>', 'SCIM token id (`ax sso scim-tokens list` shows them)')
    .action(action(async (ctx, tokenId: string) => {
      const provider = await providerOf(ctx);
      // The DELETE is idempotent (204 for a token already revoked, or another provider's): looked up first, so a
      // mistyped id is not asked about nor reported as revoked.
      const token = await liveToken(ctx, provider, tokenId);
      if (!token) {
        ctx.printer.warn(`SCIM token ${tokenId} is not a live token of ${provider.name} (already revoked, or not one of its tokens): nothing revoked.`);
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `revoke SCIM token ${tokenId} of ${provider.name}`,
        declined: `SCIM token ${tokenId} not revoked.`,
        consequences: async () => [
          `it is "${token.name}", ${token.last_used_at === undefined ? 'never used' : `last used at ${token.last_used_at}`}`,
          `every SCIM request made with it fails from now on (401): a directory still using it stops provisioning and deprovisioning in ${provider.name}`,
          'the users and groups it provisioned stay as they are',
          'this cannot be undone',
        ],
      });
      if (!proceed) return;
      await ctx.client.scimTokens.revoke(provider.protocol, provider.id, tokenId);
      ctx.printer.success(`Revoked SCIM token ${tokenId} of ${provider.name}`);
    }));
}

/** The provider's token with this id, unless it is revoked (the list leaves revoked tokens out). */
async function liveToken(ctx: CommandContext, provider: FoundProvider, tokenId: string): Promise<ScimToken | undefined> {
  for await (const token of ctx.client.scimTokens.iterate(provider.protocol, provider.id)) if (token.id === tokenId) return token;
  return undefined;
}

/**
 * Shows the new token once (with the base URL to give the directory beside it), or writes it to `--env-file`
 * instead; when that write fails the token is revoked at once, so no secret exists that nobody holds.
 */
async function deliverToken(ctx: CommandContext, provider: FoundProvider, created: CreatedScimToken, envFile: string | undefined): Promise<void> {
  if (envFile === undefined) {
    ctx.printer.object(created, { omit: ['token'] });
    ctx.printer.secret('SCIM token', created.token);
  } else {
    try {
      writeSecretToEnvFile(envFile, TOKEN_VARIABLE, created.token);
    } catch (error) {
      const revoked = await ctx.client.scimTokens.revoke(provider.protocol, provider.id, created.id).then(() => true, () => false);
      throw new FileError(
        `could not write ${envFile}: ${(error as Error).message}; ${revoked ? `the new token ${created.id} was revoked` : `revoking the new token ${created.id} failed too`}`,
        revoked
          ? 'Fix the path (or its permissions) and create the token again.'
          : `Revoke it yourself: \`ax sso scim-tokens revoke --provider ${JSON.stringify(provider.name)} ${created.id} --force\`.`,
      );
    }
    const { token: _secret, ...record } = created;
    ctx.printer.object(record);
    ctx.printer.info(`${ctx.printer.errStyle.green('✓')} Wrote ${TOKEN_VARIABLE} to ${envFile} (mode 0600); the token is not shown.`);
  }
  if (ctx.printer.isTable) {
    const { base_url: baseUrl } = await ctx.client.scimTokens.status(provider.protocol, provider.id);
    ctx.printer.info(`Give the directory the SCIM base URL ${baseUrl} and this token as its bearer token.`);
  }
}
